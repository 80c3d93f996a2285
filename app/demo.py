"""``flask seed-demo``: the platform's real history (from its published summaries) plus demo
accounts, so a fresh install shows something true. Safe to run any number of times."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import click
from sqlalchemy import select

from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.auth.models import User
from app.auth.services import hash_password
from app.core.models import Country
from app.core.time import localize
from app.events.models import AttendanceMode
from app.events.models import Event
from app.events.models import EventKind
from app.events.models import EventSession
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db

DEMO_PASSWORD = "roundtable-demo"  # noqa: S105 (printed on purpose: demo accounts only)

COUNTRIES = [
    ("AU", "Australia", ["Australia/Sydney", "Australia/Perth"], "NSW"),
    ("ID", "Indonesia", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"], ""),
    ("MY", "Malaysia", ["Asia/Kuala_Lumpur"], ""),
    ("NZ", "New Zealand", ["Pacific/Auckland"], ""),
    ("TH", "Thailand", ["Asia/Bangkok"], ""),
]

ORGANISATIONS = [
    ("Asia Dialogue on Forced Migration Secretariat", OrganisationKind.CIVIL_SOCIETY, "AU"),
    ("International Detention Coalition", OrganisationKind.INTERNATIONAL, None),
    ("Department of Children and Youth", OrganisationKind.GOVERNMENT, "TH"),
    ("Ministry of Business, Innovation and Employment", OrganisationKind.GOVERNMENT, "NZ"),
    ("SUAKA", OrganisationKind.CIVIL_SOCIETY, "ID"),
    ("Interpreting team", OrganisationKind.OTHER, "TH"),
]

# email, name, pseudonym, roles, country, organisation, timezone, locale, languages
ACCOUNTS = [
    ("organiser@example.org", "Olivia Organiser", "", ("organiser",), "AU",
     "Asia Dialogue on Forced Migration Secretariat", "Australia/Sydney", "en", ["en"]),
    ("participant@example.org", "Pita Participant", "", ("participant",), "NZ",
     "Ministry of Business, Innovation and Employment", "Pacific/Auckland", "en", ["en", "mi"]),
    ("somchai@example.org", "Somchai Participant", "", ("participant",), "TH",
     "Department of Children and Youth", "Asia/Bangkok", "th", ["th", "en"]),
    ("sari@example.org", "Sari Participant", "", ("participant",), "ID", "SUAKA",
     "Asia/Jakarta", "id", ["id", "en"]),
    ("advocate@example.org", "Amina Advocate", "Youth advocate A", ("participant",), "MY",
     "", "Asia/Kuala_Lumpur", "ms", ["ms", "en"]),
    ("interpreter@example.org", "Ingrid Interpreter", "", ("interpreter",), "TH",
     "Interpreting team", "Asia/Bangkok", "en", ["th", "en"]),
    ("focal@example.org", "Chanida Focal Point", "", ("participant",), "TH",
     "", "Asia/Bangkok", "th", ["th", "en"]),
]
# Delegation focal points the organisers appointed (for their own account's country).
FOCAL_POINTS = {"focal@example.org"}

CO_CONVENORS = "International Detention Coalition (IDC); Asia Dialogue on Forced Migration (ADFM)"


def _at(day: date, hhmm: str, zone: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return localize(datetime(day.year, day.month, day.day, hours, minutes), zone)


# What the organisers translated of the Jakarta roundtable (app.events.translations): every
# session but the welcome dinner, so a reader in Indonesian, Malay or Thai sees one title
# in English, marked as such.
TRANSLATIONS = {
    "Annual in-person roundtable 2027, Jakarta": {
        "id": {"title": "Pertemuan meja bundar tatap muka tahunan 2027, Jakarta",
               "description": "Pertemuan meja bundar tatap muka ketiga dengan kunjungan "
                              "lapangan dan studi banding.",
               "venue": "Jakarta"},
        "ms": {"title": "Meja bulat bersemuka tahunan 2027, Jakarta",
               "description": "Meja bulat bersemuka ketiga dengan lawatan tapak dan "
                              "lawatan sambil belajar.",
               "venue": "Jakarta"},
        "th": {"title": "การประชุมโต๊ะกลมประจำปี 2027 ณ จาการ์ตา",
               "description": "การประชุมโต๊ะกลมแบบพบหน้าครั้งที่สาม พร้อมการลงพื้นที่และ"
                              "การศึกษาดูงาน",
               "venue": "จาการ์ตา"}},
    "Opening and country updates": {
        "id": {"title": "Pembukaan dan perkembangan tiap negara"},
        "ms": {"title": "Pembukaan dan perkembangan terkini negara"},
        "th": {"title": "พิธีเปิดและความคืบหน้าของแต่ละประเทศ"}},
    "Community-based placement": {
        "id": {"title": "Penempatan berbasis komunitas"},
        "ms": {"title": "Penempatan berasaskan komuniti"},
        "th": {"title": "การจัดที่พักโดยชุมชน"}},
    "Small group A: screening and referral": {
        "id": {"title": "Kelompok kecil A: penyaringan dan rujukan"},
        "ms": {"title": "Kumpulan kecil A: saringan dan rujukan"},
        "th": {"title": "กลุ่มย่อย A: การคัดกรองและการส่งต่อ"}},
    "Small group B: addressing xenophobia": {
        "id": {"title": "Kelompok kecil B: menangani xenofobia"},
        "ms": {"title": "Kumpulan kecil B: menangani xenofobia"},
        "th": {"title": "กลุ่มย่อย B: การรับมือกับความเกลียดกลัวชาวต่างชาติ"}},
    "Site visit: community placement programme": {
        "id": {"title": "Kunjungan lapangan: program penempatan komunitas",
               "meeting_point": "Lobi hotel", "transport": "Bus sewaan"},
        "ms": {"title": "Lawatan tapak: program penempatan komuniti",
               "meeting_point": "Lobi hotel", "transport": "Bas sewa khas"},
        "th": {"title": "ลงพื้นที่: โครงการจัดที่พักในชุมชน",
               "meeting_point": "ล็อบบี้โรงแรม", "transport": "รถบัสเช่าเหมา"}},
    "Lived experience leaders in policy-making": {
        "id": {"title": "Pemimpin berpengalaman langsung dalam pembuatan kebijakan"},
        "ms": {"title": "Pemimpin berpengalaman sendiri dalam penggubalan dasar"},
        "th": {"title": "ผู้นำที่มีประสบการณ์ตรงในการกำหนดนโยบาย"}},
    "Next steps": {
        "id": {"title": "Langkah selanjutnya"},
        "ms": {"title": "Langkah seterusnya"},
        "th": {"title": "ขั้นตอนต่อไป"}},
}


def _session(day, start, end, zone, title, kind, **extra) -> EventSession:
    return EventSession(title=title, kind=kind, start_dt=_at(day, start, zone),
                        end_dt=_at(day, end, zone), **extra)


def _translated(sessions: list[EventSession]) -> list[EventSession]:
    for session in sessions:
        session.translations = TRANSLATIONS.get(session.title, {})
    return sessions


def _history() -> list[tuple[dict, list]]:
    bkk, syd, kul, jkt = "Asia/Bangkok", "Australia/Sydney", "Asia/Kuala_Lumpur", "Asia/Jakarta"
    virtual = dict(kind=EventKind.VIRTUAL, status=EventStatus.HELD, is_chatham_house=True,
                   is_invitation_only=True, online_url="https://meet.example.org/roundtable",
                   co_hosts=CO_CONVENORS, timezone=syd)
    d_2022 = date(2022, 4, 5)
    d1, d2 = date(2022, 11, 1), date(2022, 11, 2)
    j1, j2, j3 = date(2027, 6, 22), date(2027, 6, 23), date(2027, 6, 24)
    return [
        (dict(title="First Alternatives to Child Detention Peer Learning Platform Roundtable",
              kind=EventKind.IN_PERSON, status=EventStatus.HELD, timezone=bkk,
              start_date=date(2019, 11, 21), end_date=date(2019, 11, 22),
              host_country_code="TH",
              co_hosts="Department of Children and Youth, Thai Ministry of Social Development "
                       "and Human Security; " + CO_CONVENORS,
              venue="Bangkok", description="Launch of the platform with a site visit: 35 "
              "representatives of governments of Thailand, Australia, Malaysia and Indonesia "
              "with civil society and international organisations.",
              topics=["Launch of the platform", "Coordination between authorities",
                      "Training for front-line staff", "Site visit"]),
         [_session(date(2019, 11, 21), "09:00", "12:00", bkk, "Opening and country updates",
                   SessionKind.PLENARY, floor_language="en"),
          _session(date(2019, 11, 22), "09:00", "13:00", bkk, "Site visit",
                   SessionKind.SITE_VISIT, capacity=20, floor_language="th")]),
        (dict(virtual, title="First virtual session: Mainstreaming child protection",
              start_date=date(2020, 10, 14), end_date=date(2020, 10, 14),
              topics=["Mainstreaming child protection"],
              description="Follow-up: Australia/Thailand bilateral call."),
         [_session(date(2020, 10, 14), "13:00", "15:30", syd, "Mainstreaming child protection",
                   SessionKind.PLENARY)]),
        (dict(virtual, title="Second virtual session: Case management approaches",
              start_date=date(2021, 3, 17), end_date=date(2021, 3, 17),
              topics=["Case management approaches"]),
         [_session(date(2021, 3, 17), "14:00", "16:30", syd, "Case management approaches",
                   SessionKind.PLENARY)]),
        (dict(virtual, title="Third virtual session: Education of refugee and migrant children",
              start_date=date(2021, 9, 15), end_date=date(2021, 9, 15),
              topics=["Access to education for refugee children"],
              description="Follow-up: Indonesia/Thailand bilateral call; the Indonesian Working "
                          "Group on Access to Education has met monthly since."),
         [_session(date(2021, 9, 15), "13:00", "15:30", syd, "Education of refugee and migrant "
                   "children", SessionKind.PLENARY)]),
        (dict(virtual, title="What makes government and civil society partnerships effective?",
              start_date=d_2022, end_date=d_2022,
              topics=["Government and civil society partnerships"],
              description="Fourth virtual regional workshop: around 60 people from five "
                          "countries, in small groups and plenary."),
         [_session(d_2022, "13:00", "13:30", syd, "Welcome and introductions",
                   SessionKind.PLENARY),
          _session(d_2022, "13:30", "14:30", syd, "Small group A: partnership examples",
                   SessionKind.SMALL_GROUP, capacity=15),
          _session(d_2022, "13:30", "14:30", syd, "Small group B: partnership examples",
                   SessionKind.SMALL_GROUP, capacity=15),
          _session(d_2022, "14:30", "15:30", syd, "Plenary: what makes partnerships effective",
                   SessionKind.PLENARY)]),
        (dict(title="Second in-person roundtable, Putrajaya", kind=EventKind.HYBRID,
              status=EventStatus.HELD, timezone=kul, start_date=d1, end_date=d2,
              host_country_code="MY", co_hosts=CO_CONVENORS, venue="Putrajaya",
              online_url="https://meet.example.org/putrajaya",
              description="35 participants in person; New Zealand joined virtually on day two.",
              topics=["Country presentations", "ASEAN Declaration and Regional Plan of Action",
                      "Monitoring, evaluation and learning", "Lived experience leadership",
                      "Case studies"]),
         [_session(d1, "09:00", "10:30", kul, "Country presentations", SessionKind.PLENARY,
                   attendance_mode=AttendanceMode.IN_PERSON, room="Main hall"),
          _session(d1, "10:30", "11:00", kul, "Break", SessionKind.BREAK,
                   attendance_mode=AttendanceMode.IN_PERSON),
          _session(d1, "11:00", "12:30", kul, "Monitoring, evaluation and learning",
                   SessionKind.PLENARY, attendance_mode=AttendanceMode.IN_PERSON,
                   room="Main hall"),
          _session(d1, "14:00", "16:00", kul, "Lived experience leadership",
                   SessionKind.PLENARY, attendance_mode=AttendanceMode.IN_PERSON,
                   room="Main hall"),
          _session(d2, "09:00", "10:30", kul, "New Zealand: Refugee Advisory Panel",
                   SessionKind.PLENARY, attendance_mode=AttendanceMode.BOTH,
                   room="Main hall"),
          _session(d2, "11:00", "12:30", kul, "Quiz and case studies", SessionKind.SMALL_GROUP,
                   attendance_mode=AttendanceMode.IN_PERSON, room="Room 2"),
          _session(d2, "14:00", "15:30", kul, "Next steps", SessionKind.PLENARY,
                   attendance_mode=AttendanceMode.BOTH, room="Main hall")]),
        (dict(title="Annual in-person roundtable 2027, Jakarta",
              translations=TRANSLATIONS["Annual in-person roundtable 2027, Jakarta"],
              kind=EventKind.HYBRID,
              status=EventStatus.OPEN, timezone=jkt, start_date=j1, end_date=j3, capacity=35,
              host_country_code="ID", co_hosts=CO_CONVENORS, venue="Jakarta",
              address="Jakarta, Indonesia", online_url="https://meet.example.org/jakarta-2027",
              joining_instructions="Join ten minutes early to test your audio and choose "
                                   "your interpretation channel.",
              description="Third in-person roundtable with site visits and study tours.",
              topics=["Community-based placement and de-institutionalisation",
                      "Addressing xenophobia and discrimination",
                      "National screening and referral mechanisms",
                      "Lived experience leaders in policy-making"]),
         _translated([_session(j1, "09:00", "10:30", jkt, "Opening and country updates",
                   SessionKind.PLENARY, room="Main hall"),
          _session(j1, "11:00", "12:30", jkt, "Community-based placement", SessionKind.PLENARY,
                   room="Main hall"),
          _session(j1, "14:00", "15:30", jkt, "Small group A: screening and referral",
                   SessionKind.SMALL_GROUP, capacity=12, room="Room A",
                   attendance_mode=AttendanceMode.IN_PERSON),
          _session(j1, "14:00", "15:30", jkt, "Small group B: addressing xenophobia",
                   SessionKind.SMALL_GROUP, capacity=12, room="Room B",
                   attendance_mode=AttendanceMode.ONLINE),
          # Three small groups at one time: organisers balance them on "Small groups".
          _session(j1, "14:00", "15:30", jkt, "Small group C: national screening mechanisms",
                   SessionKind.SMALL_GROUP, capacity=12, room="Room C",
                   online_url="https://meet.example.org/jakarta-2027-group-c"),
          _session(j2, "08:30", "13:00", jkt, "Site visit: community placement programme",
                   SessionKind.SITE_VISIT, capacity=20,
                   attendance_mode=AttendanceMode.IN_PERSON, meeting_point="Hotel lobby",
                   transport="Chartered bus"),
          _session(j2, "19:00", "21:00", jkt, "Welcome dinner", SessionKind.SOCIAL,
                   attendance_mode=AttendanceMode.IN_PERSON),
          _session(j3, "09:00", "11:00", jkt, "Lived experience leaders in policy-making",
                   SessionKind.PLENARY, room="Main hall"),
          _session(j3, "11:30", "12:30", jkt, "Next steps", SessionKind.PLENARY,
                   room="Main hall")])),
    ]


def seed_demo() -> dict[str, int]:
    created = {"countries": 0, "users": 0, "events": 0}
    for code, name, zones, subdivision in COUNTRIES:
        if db.session.get(Country, code) is None:
            db.session.add(Country(code=code, name=name, timezone=zones[0], zones=zones,
                                   holiday_subdivision=subdivision))
            created["countries"] += 1
    db.session.flush()
    from app.holidays.services import seed_default_blocked_times

    created["blocked times"] = seed_default_blocked_times()
    organisations = {}
    for name, kind, country in ORGANISATIONS:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if organisation is None:
            organisation = Organisation(name=name, kind=kind, country_code=country)
            db.session.add(organisation)
        organisations[name] = organisation
    password_hash = None
    for (email, name, pseudonym, roles, country, organisation, zone, locale,
         languages) in ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == email)):
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = User(email=email, display_name=name, pseudonym=pseudonym,
                    password_hash=password_hash, country_code=country,
                    organisation=organisations.get(organisation), timezone=zone, locale=locale,
                    languages=languages)
        user.set_roles(roles)
        user.is_focal_point = email in FOCAL_POINTS
        db.session.add(user)
        created["users"] += 1
    for fields, sessions in _history():
        exists = db.session.scalar(select(Event.id).where(
            Event.title == fields["title"], Event.start_date == fields["start_date"]))
        if exists:
            continue
        event = Event(**fields)
        event.sessions = sessions
        db.session.add(event)
        created["events"] += 1
    db.session.flush()
    _past_attendance(created)
    _open_registration(created)
    from app.bilaterals.demo import seed_bilaterals
    from app.workinggroups.demo import seed_working_groups

    seed_bilaterals(created)
    seed_working_groups(created)
    from app.interpretation.demo import seed_interpretation

    created["interpreting assignments"] = seed_interpretation(
        password_hash or hash_password(DEMO_PASSWORD))
    from app.bilaterals.demo import seed_staffed_call

    seed_staffed_call(created)
    _propose_topics(created)
    from app.library.demo import seed_library

    seed_library(created, db.session.scalar(select(Event).where(
        Event.status == EventStatus.OPEN, Event.capacity.is_not(None))))
    # A transaction takes its locks in one order only (app.core.locking): scheduling a call
    # (its poll) and then staffing it (its session) run as the two requests they are in use.
    from app.bilaterals.demo import schedule_demo_call
    from app.bilaterals.demo import seed_outcomes
    from app.interpretation.demo import interpret_scheduled_call
    from app.workinggroups.demo import seed_group_minutes

    db.session.commit()
    schedule_demo_call(created)
    db.session.commit()
    created["interpreting assignments"] += interpret_scheduled_call()
    from app.interpretation.demo import seed_preparation
    from app.programme.demo import seed_programme

    db.session.commit()
    seed_outcomes(created)
    db.session.commit()
    seed_group_minutes(created)  # under the group's lock, which comes after the sessions'
    db.session.commit()
    seed_preparation()
    seed_programme(created)
    from app.reports.demo import seed_reports

    seed_reports(created)
    from app.surveys.demo import seed_surveys

    seed_surveys(created)
    from app.statistics.demo import seed_participation_history

    seed_participation_history(created)  # after every other seed: people join held events
    return created


# Who attended which past meeting (confirmed), and how: every demo participant has a past
# event to look back on and give feedback about.
PAST_ATTENDANCE = {
    "What makes government and civil society partnerships effective?": (
        ("participant@example.org", "online"), ("somchai@example.org", "online"),
        ("sari@example.org", "online"), ("advocate@example.org", "online")),
    "Second in-person roundtable, Putrajaya": (
        ("sari@example.org", "in_person"), ("somchai@example.org", "in_person"),
        ("advocate@example.org", "in_person"), ("participant@example.org", "online")),
}
# Feedback already given on the 2022 workshop (the others are left to give theirs).
PAST_FEEDBACK = (
    ("sari@example.org", 5, "Hearing how Thailand's case managers work with NGOs.",
     "Small groups were too short.",
     "We left with three contacts to call about community placement."),
    ("somchai@example.org", 4, "The concrete partnership examples.", "", ""),
)


def _past_attendance(created: dict) -> None:
    """Past meetings had participants: the demo accounts, confirmed (registration is closed
    for them, so the rows are written as the organisers' records would be)."""
    from app.feedback import services as feedback
    from app.registrations.models import AttendAs
    from app.registrations.models import Registration
    from app.registrations.models import RegistrationStatus

    people = {user.email: user for user in db.session.scalars(select(User))}
    for title, attendees in PAST_ATTENDANCE.items():
        event = db.session.scalar(select(Event).where(Event.title == title))
        if event is None:
            continue
        for email, attend_as in attendees:
            user = people.get(email)
            if user is None or db.session.scalar(select(Registration.id).where(
                    Registration.event_id == event.id, Registration.user_id == user.id)):
                continue
            db.session.add(Registration(
                event=event, user=user, status=RegistrationStatus.CONFIRMED,
                attend_as=AttendAs(attend_as),
                consented_dt=_at(event.start_date, "00:00", event.timezone)))
            created["past registrations"] = created.get("past registrations", 0) + 1
    db.session.flush()
    _past_check_ins(created, people)
    workshop = db.session.scalar(select(Event).where(Event.title == next(iter(PAST_ATTENDANCE))))
    if workshop is None:
        return
    for email, rating, worked, improve, reflection in PAST_FEEDBACK:
        user = people.get(email)
        if user is None or feedback.has_submitted(workshop, user):
            continue
        feedback.submit_feedback(workshop, user, feedback.FeedbackInput(
            event=feedback.Comments(rating=rating, what_worked=worked, to_improve=improve),
            reflection=reflection, is_anonymous=True))
        created["feedback"] = created.get("feedback", 0) + 1


def _past_check_ins(created: dict, people: dict) -> None:
    """Who came to each session of the past meetings: checked in at the door when they were
    there in person, from the video platform's report (their minutes) when online."""
    from app.attendance.models import Attendance
    from app.attendance.models import AttendanceSource
    from app.registrations.models import AttendAs

    for title, attendees in PAST_ATTENDANCE.items():
        event = db.session.scalar(select(Event).where(Event.title == title))
        if event is None:
            continue
        for session in event.sessions:
            if db.session.scalar(select(Attendance.id).where(Attendance.session_id == session.id)):
                continue
            for email, attend_as in attendees:
                if email not in people:
                    continue
                online = AttendAs(attend_as) == AttendAs.ONLINE
                db.session.add(Attendance(
                    session_id=session.id, user_id=people[email].id,
                    source=AttendanceSource.IMPORTED if online else AttendanceSource.CHECKED_IN,
                    minutes=int((session.end_dt - session.start_dt).total_seconds() // 60)
                    if online else None, recorded_dt=session.start_dt))
                created["attendance"] = created.get("attendance", 0) + 1


def _open_registration(created: dict) -> None:
    """The upcoming roundtable: five delegations invited, 7 in-person places each, two
    demo participants already registered in person and the youth advocate online (the New
    Zealand one is left to register)."""
    from app.registrations import services as registrations

    event = db.session.scalar(select(Event).where(Event.status == EventStatus.OPEN,
                                                  Event.capacity.is_not(None)))
    if event is None:
        return
    for code, *_rest in COUNTRIES:
        registrations.invite_to_event(event, country_code=code)
        if registrations.quota_for(event, code) is None:
            registrations.set_quota(event, code, 7, None)
    site_visit = next(s for s in event.sessions if s.capacity and s.kind.value == "site_visit")
    # Passport details as a visa letter needs them (organisers and the person only: the
    # privacy crawl looks for these numbers on every other role's pages).
    travel = (("sari@example.org", "Halal", time(9, 40), "GA 408", "SARI WULANDARI", "ID",
               "C4E8B1F2"),
              ("somchai@example.org", "", time(14, 15), "TG 433", "SOMCHAI JAIDEE", "TH",
               "AA7319042"))
    for email, dietary, landing, flight, passport_name, nationality, passport in travel:
        user = db.session.scalar(select(User).where(User.email == email))
        if registrations.registration_for(event, user) is None:
            registrations.register(event, user, registrations.RegistrationInput(
                session_ids=[site_visit.id], dietary_needs=dietary,
                arrival_date=event.start_date - timedelta(days=1), arrival_time=landing,
                arrival_flight=flight, departure_date=event.end_date, needs_room=True,
                passport_name=passport_name, nationality=nationality,
                passport_number=passport, interpretation_language="en",
                consent_chatham=True, consent_data=True))
            created["registrations"] = created.get("registrations", 0) + 1
    # The youth advocate joins online under their pseudonym (badges and counts show it).
    advocate = db.session.scalar(select(User).where(User.email == "advocate@example.org"))
    if advocate is not None and registrations.registration_for(event, advocate) is None:
        from app.registrations.models import AttendAs

        registrations.register(event, advocate, registrations.RegistrationInput(
            attend_as=AttendAs.ONLINE, consent_chatham=True, consent_data=True))
        created["registrations"] = created.get("registrations", 0) + 1
    _plan(event)


def _plan(event: Event) -> None:
    """A planning checklist and a second host candidate, as organisers keep them."""
    from app.planning import services as planning

    if planning.tasks(event):
        return
    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    for title, due in (("Venue booked", date(2027, 2, 1)),
                       ("Interpreters booked (Bahasa Indonesia, Thai, Malay)",
                        date(2027, 4, 1)),
                       ("Materials translated", date(2027, 5, 15)),
                       ("Site visit transport confirmed", date(2027, 6, 1))):
        planning.add_task(event, title, organiser.id if organiser else None, due)
    planning.add_candidate(event, "ID", "Jakarta", event.start_date, event.end_date,
                           "Hosted by the Indonesian working group.")
    planning.save_letter_settings(event, planning.LetterDetails(
        signatory_name="Olivia Organiser", signatory_title="Head of Secretariat",
        signatory_organisation="Asia Dialogue on Forced Migration Secretariat",
        contact_name="Olivia Organiser", contact_email="organiser@example.org",
        contact_phone="+61 2 5550 0100",
        costs_covered="return flights, four nights' accommodation and meals"))
    planning.add_candidate(event, "TH", "Bangkok", date(2027, 4, 13), date(2027, 4, 15),
                           "Alternative: clashes with Songkran.")


def _propose_topics(created: dict) -> None:
    """Two topics participants proposed for the upcoming roundtable, with a first vote."""
    from app.topics import services as topics
    from app.topics.models import Topic

    event = db.session.scalar(select(Event).where(Event.status == EventStatus.OPEN,
                                                  Event.capacity.is_not(None)))
    if event is None or db.session.scalar(select(Topic.id).where(Topic.event_id == event.id)):
        return
    people = {user.email: user for user in db.session.scalars(select(User).where(
        User.email.in_(("sari@example.org", "somchai@example.org", "advocate@example.org"))))}
    first = topics.propose_topic(event, people["sari@example.org"],
                                 "Alternatives to detention at the border",
                                 "How screening at the border can refer children to care.")
    second = topics.propose_topic(event, people["advocate@example.org"],
                                  "Peer support for families after release")
    topics.cast_vote(first, people["somchai@example.org"])
    topics.cast_vote(second, people["sari@example.org"])
    created["topics"] = 2


@click.command("seed-demo")
def seed_demo_command():
    """Load the platform's history and demo accounts (idempotent)."""
    created = seed_demo()
    db.session.commit()
    click.echo("Demo data ready ({}).".format(", ".join(f"{k} +{v}" for k, v in created.items())))
    click.echo(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for email, name, _pseudonym, roles, *_rest in ACCOUNTS:
        click.echo(f"  {email:28} {'/'.join(roles):12} {name}")
