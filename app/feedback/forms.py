from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import RadioField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import Length
from wtforms.validators import Optional

from app.core.forms import Form
from app.core.forms import as_choices

RATINGS = as_choices([("5", _l("5 – excellent")), ("4", _l("4 – good")), ("3", _l("3 – fair")),
                      ("2", _l("2 – poor")), ("1", _l("1 – very poor"))])


def _rating(label):
    return RadioField(label, choices=RATINGS, validators=[Optional()])


def _comment(label):
    return TextAreaField(label, validators=[Optional(), Length(max=2000)])


class FeedbackForm(Form):
    rating = _rating(_l("Your rating of the event as a whole"))
    what_worked = _comment(_l("What worked well"))
    to_improve = _comment(_l("What could be improved"))
    reflection = _comment(_l("A short reflection"))
    is_anonymous = BooleanField(
        _l("Send anonymously: nothing links my answers to me, not even for the organisers."))
    submit = SubmitField(_l("Send feedback"))


def feedback_form_for(sessions):
    """The form with a rating and two comments for each session of the agenda."""

    class SessionFeedbackForm(FeedbackForm):
        pass

    for session in sessions:
        setattr(SessionFeedbackForm, f"rating_{session.id}", _rating(_l("Rating")))
        setattr(SessionFeedbackForm, f"worked_{session.id}", _comment(_l("What worked well")))
        setattr(SessionFeedbackForm, f"improve_{session.id}",
                _comment(_l("What could be improved")))
    return SessionFeedbackForm()
