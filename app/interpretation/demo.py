"""Demo interpreting team for the 2027 Jakarta roundtable (part of ``flask seed-demo``;
idempotent): profiles, Thai and Indonesian channels for the plenaries, a Thai request, and
proposed teams from auto-assign, so interpreter@example.org has assignments to accept; the
English-Thai and English-Indonesian glossaries and a briefing for the first plenary, so their
preparation page has something to read."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.events.models import Event
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.interpretation import preparation
from app.interpretation import services
from app.interpretation.models import Grade
from app.interpretation.models import SessionChannel

# email, name, country, timezone, grades, remote, on site
INTERPRETERS = [
    ("interpreter@example.org", "Ingrid Interpreter", "TH", "Asia/Bangkok",
     {"th": Grade.A, "en": Grade.B}, True, True),
    ("kanya.interpreter@example.org", "Kanya Interpreter", "TH", "Asia/Bangkok",
     {"th": Grade.A, "en": Grade.B, "ms": Grade.C}, True, True),
    ("dewi.interpreter@example.org", "Dewi Interpreter", "ID", "Asia/Jakarta",
     {"id": Grade.A, "en": Grade.B, "ms": Grade.C}, True, True),
    ("rahmat.interpreter@example.org", "Rahmat Interpreter", "ID", "Asia/Jakarta",
     {"id": Grade.A, "en": Grade.B}, True, True),
    ("aroha.interpreter@example.org", "Aroha Interpreter", "NZ", "Pacific/Auckland",
     {"mi": Grade.A, "en": Grade.A}, True, False),
    # Thai-Indonesian both ways, remotely: the bilateral calls that book interpreters.
    ("nok.interpreter@example.org", "Nok Interpreter", "TH", "Asia/Bangkok",
     {"th": Grade.A, "id": Grade.B, "en": Grade.B}, True, False),
]


def seed_interpretation(password_hash: str) -> int:
    """Returns how many assignments it proposed (0 on a second run)."""
    for email, name, country, zone, grades, remote, on_site in INTERPRETERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, display_name=name, password_hash=password_hash,
                        country_code=country, timezone=zone, locale="en",
                        languages=sorted(grades))
            user.set_roles(["interpreter"])
            db.session.add(user)
            db.session.flush()
        if services.profile_of(user) is None:
            services.save_profile(user, timezone=zone, works_remote=remote,
                                  works_on_site=on_site, grades=grades)
    event = db.session.scalar(select(Event).where(Event.status == EventStatus.OPEN,
                                                  Event.title.like("%Jakarta%")))
    if event is None:
        return 0
    plenaries = [s for s in event.sessions if s.kind == SessionKind.PLENARY]
    opened = set(db.session.execute(select(SessionChannel.session_id,
                                           SessionChannel.language_code)).all())
    for session in plenaries:
        for code in ("th", "id"):
            if (session.id, code) not in opened:
                services.open_channel(session, code)
    somchai = db.session.scalar(select(User).where(User.email == "somchai@example.org"))
    if somchai is not None and plenaries:
        services.request_interpretation(somchai, plenaries[0], "th")
    return len(services.auto_assign(event, notify_interpreters=False).added)


def interpret_scheduled_call() -> int:
    """interpreter@ interprets the scheduled bilateral call into English (so sees it)."""
    from app.bilaterals.demo import SCHEDULED_TOPIC
    from app.bilaterals.models import BilateralCall

    call = db.session.scalar(select(BilateralCall).where(BilateralCall.topic == SCHEDULED_TOPIC,
                                                         BilateralCall.session_id.is_not(None)))
    ingrid = db.session.scalar(select(User).where(User.email == "interpreter@example.org"))
    profile = services.profile_of(ingrid) if ingrid is not None else None
    if call is None or profile is None:
        return 0
    channel = db.session.scalar(select(SessionChannel).where(
        SessionChannel.session_id == call.session_id, SessionChannel.language_code == "en"))
    if channel is None:
        channel = services.open_channel(call.session, "en")
    if any(a.interpreter_id == profile.user_id for a in channel.assignments):
        return 0
    services.assign_interpreter(channel, profile)
    return 1


# (English, equivalent, note): the platform's own words, as its booths meet them.
GLOSSARIES = {
    ("en", "th"): [
        ("Alternatives to detention (ATD)", "ทางเลือกแทนการกักตัว",
         "Say ATD after the first mention, as the speakers do."),
        ("Best interests of the child", "ประโยชน์สูงสุดของเด็ก", ""),
        ("Birth registration", "การจดทะเบียนการเกิด", ""),
        ("Case management", "การจัดการรายกรณี", ""),
        ("Child protection", "การคุ้มครองเด็ก", ""),
        ("Immigration detention centre (IDC)", "ห้องกักตัวคนต่างด้าว", ""),
        ("Memorandum of Understanding (MOU)", "บันทึกความเข้าใจ",
         "Thailand's 2019 MOU on not detaining migrant children."),
        ("Online safety", "ความปลอดภัยออนไลน์", ""),
        ("Screening and referral", "การคัดกรองและส่งต่อ", ""),
        ("Unaccompanied child", "เด็กที่เดินทางโดยไม่มีผู้ปกครอง", ""),
    ],
    ("en", "id"): [
        ("Alternatives to detention (ATD)", "Alternatif selain penahanan", ""),
        ("Best interests of the child", "Kepentingan terbaik bagi anak", ""),
        ("Birth registration", "Pencatatan kelahiran", ""),
        ("Case management", "Manajemen kasus", ""),
        ("Child protection", "Perlindungan anak", ""),
        ("Community-based shelter", "Penampungan berbasis masyarakat", ""),
        ("Immigration detention centre (IDC)", "Rumah Detensi Imigrasi (Rudenim)",
         "Speakers from Indonesia say Rudenim."),
        ("Online safety", "Keamanan daring", ""),
        ("Unaccompanied child", "Anak tanpa pendamping", ""),
    ],
}

BRIEFING = """Opening plenary, chaired by the Indonesian co-host; Chatham House Rule.
Expect country updates from each delegation (about 10 minutes each), then questions from \
the floor.
Acronyms you will hear: ATD (alternatives to detention), IDC / Rudenim, MOU, CRVS (civil \
registration and vital statistics), OSAEC (online sexual abuse and exploitation of children).
Speakers' slides and case studies are attached to the session as they arrive."""


def seed_preparation() -> None:
    """The demo glossaries, and a briefing on the Jakarta roundtable's first plenary (the
    first session with a channel) unless it has one. Run as a request of its own: saving a
    briefing locks the session, which comes before what staffing locks."""
    session = db.session.scalar(
        select(EventSession).join(SessionChannel, SessionChannel.session_id == EventSession.id)
        .join(Event, Event.id == EventSession.event_id)
        .where(Event.title.like("%Jakarta%"), EventSession.kind == SessionKind.PLENARY)
        .order_by(EventSession.start_dt).limit(1))
    for pair, terms in GLOSSARIES.items():
        known = {term.term_key for term in preparation.glossary(pair)}
        for term, equivalent, note in terms:
            if preparation.term_key(term) not in known:
                preparation.add_term(pair, term, equivalent, note)
    if session is not None and preparation.briefing_of(session) is None:
        preparation.save_briefing(session, BRIEFING)
