"""Post-event surveys an organiser builds: ordered questions, each in the event's language
and optionally in the platform's others (see ``app.surveys`` for why the standard feedback
keeps its own tables).

As with feedback, answers carry no timestamps, and an anonymous answer no user; who has
answered is a separate marker (survey, person) without an id or a time, so it cannot be
lined up with the answers.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.core.models import AnsweredOnce
from app.core.models import str_enum
from app.events.models import Event
from app.extensions import db


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"  # being built: only organisers see it
    OPEN = "open"  # confirmed participants may answer
    CLOSED = "closed"  # answers kept, no new ones


class QuestionKind(enum.StrEnum):
    RATING = "rating"  # 1 to 5, its two ends labelled
    SINGLE = "single"  # one of the choices
    MULTIPLE = "multiple"  # any of the choices
    TEXT = "text"  # a few words


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    # In the event's language; ``translations`` holds the others: {"th": {"title": ...}}.
    title: Mapped[str] = mapped_column(sa.String(200))
    translations: Mapped[dict] = mapped_column(sa.JSON, server_default="{}")
    status: Mapped[SurveyStatus] = mapped_column(
        str_enum(SurveyStatus),
        default=SurveyStatus.DRAFT)

    event: Mapped[Event] = relationship()
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", order_by="SurveyQuestion.position",
        cascade="all, delete-orphan")


class SurveyQuestion(db.Model):
    """One question. ``choices`` are one per line; a translation gives the same number of
    lines, in the same order (an answer keeps the choice's position, not its words)."""

    __tablename__ = "survey_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(
        str_enum(QuestionKind))
    text: Mapped[str] = mapped_column(sa.String(500))
    choices: Mapped[str] = mapped_column(sa.Text, default="")
    low_label: Mapped[str] = mapped_column(sa.String(100), default="")
    high_label: Mapped[str] = mapped_column(sa.String(100), default="")
    # {"th": {"text": ..., "choices": ..., "low_label": ..., "high_label": ...}}
    translations: Mapped[dict] = mapped_column(sa.JSON, server_default="{}")

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyRespondent(AnsweredOnce, db.Model):
    """Who has answered a survey."""

    __tablename__ = "survey_respondents"

    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"),
                                           primary_key=True)


class SurveyAnswer(db.Model):
    """One person's answer to one question: a rating, the chosen choices' positions (a list,
    one for a single choice), or a text."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)",
                           name="rating_one_to_five"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int | None] = mapped_column()
    chosen: Mapped[list | None] = mapped_column(sa.JSON)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    # None when given anonymously; never shown, even to organisers.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
