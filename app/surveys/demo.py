"""Demo: a survey the organisers built after the Putrajaya roundtable, in the four
languages, with the answers of three of its participants (the standard feedback on the 2022
workshop is the feedback demo's, in app.demo)."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.events.models import Event
from app.extensions import db
from app.surveys import services
from app.surveys.models import QuestionKind
from app.surveys.models import Survey
from app.surveys.models import SurveyStatus

EVENT = "Second in-person roundtable, Putrajaya"
TITLE = {"en": "After Putrajaya: what next?", "id": "Setelah Putrajaya: apa selanjutnya?",
         "ms": "Selepas Putrajaya: apa seterusnya?", "th": "หลังปุตราจายา: ก้าวต่อไป"}
QUESTIONS = (
    (QuestionKind.RATING, {
        "en": {"text": "How useful were the lived experience leadership sessions for your work?",
               "low_label": "Not useful", "high_label": "Very useful"},
        "id": {"text": "Seberapa bermanfaat sesi kepemimpinan pengalaman hidup bagi pekerjaan "
                       "Anda?", "low_label": "Tidak bermanfaat",
               "high_label": "Sangat bermanfaat"},
        "th": {"text": "ช่วงผู้นำจากประสบการณ์ตรงมีประโยชน์ต่องานของท่านเพียงใด",
               "low_label": "ไม่มีประโยชน์", "high_label": "มีประโยชน์มาก"}}),
    (QuestionKind.SINGLE, {
        "en": {"text": "Which format should the next roundtable give more time to?",
               "choices": "Small groups\nSite visits\nCountry presentations"},
        "id": {"text": "Format mana yang perlu diberi waktu lebih pada pertemuan berikutnya?",
               "choices": "Kelompok kecil\nKunjungan lapangan\nPresentasi negara"},
        "ms": {"text": "Format manakah yang perlu diberi lebih masa pada meja bulat akan "
                       "datang?", "choices": "Kumpulan kecil\nLawatan tapak\nPembentangan negara"},
        "th": {"text": "การประชุมโต๊ะกลมครั้งหน้าควรให้เวลากับรูปแบบใดมากขึ้น",
               "choices": "กลุ่มย่อย\nการศึกษาดูงาน\nการนำเสนอของแต่ละประเทศ"}}),
    (QuestionKind.MULTIPLE, {
        "en": {"text": "Which topics should the working groups take up next?",
               "choices": "Kinship care\nCase management\nLeaving care\nMonitoring and data"},
        "th": {"text": "คณะทำงานควรหยิบยกหัวข้อใดต่อไป",
               "choices": "การดูแลโดยเครือญาติ\nการจัดการรายกรณี\nการออกจากระบบการดูแล\n"
                          "การติดตามและข้อมูล"}}),
    (QuestionKind.TEXT, {
        "en": {"text": "One idea for the next roundtable"},
        "id": {"text": "Satu gagasan untuk pertemuan berikutnya"},
        "ms": {"text": "Satu idea untuk meja bulat akan datang"},
        "th": {"text": "หนึ่งความคิดสำหรับการประชุมครั้งหน้า"}}),
)
# (who, rating, format, topics, idea): the Putrajaya participants who have answered.
ANSWERS = (
    ("sari@example.org", 5, 1, [0, 2], "Invite young people who have left care to co-chair."),
    ("somchai@example.org", 4, 1, [1, 2], "ขอเวลาแลกเปลี่ยนกรณีศึกษาให้มากขึ้น"),
    ("advocate@example.org", 5, 0, [0, 3], "Share the country presentations beforehand."),
)


def seed_surveys(created: dict) -> None:
    """Built, opened and partly answered; participant@example.org is left to answer. A
    transaction of its own: building and answering lock the event (app.core.locking)."""
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.title == EVENT))
    if event is None or db.session.scalar(select(Survey.id).where(Survey.event_id == event.id)):
        return
    survey = services.create_survey(event, {language: {"title": title}
                                            for language, title in TITLE.items()})
    for kind, texts in QUESTIONS:
        services.add_question(survey, services.QuestionInput(kind, texts))
    services.set_status(survey, SurveyStatus.OPEN)
    rating_q, single_q, multiple_q, text_q = survey.questions
    for email, rating, single, many, idea in ANSWERS:
        person = db.session.scalar(select(User).where(User.email == email))
        if person is None:
            continue
        services.submit_answers(survey, person, {
            rating_q.id: services.Answer(rating=rating),
            single_q.id: services.Answer(chosen=[single]),
            multiple_q.id: services.Answer(chosen=many),
            text_q.id: services.Answer(text=idea)}, is_anonymous=True)
        created["survey answers"] = created.get("survey answers", 0) + 1
    db.session.commit()
