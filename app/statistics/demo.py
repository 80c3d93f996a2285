"""Demo history for the statistics: the people who came to the platform's past meetings.

The published summaries give the size of each meeting (35 in Bangkok in 2019, around 60 at
the 2022 workshop, 35 in Putrajaya); the demo accounts alone are six people, so every cell
of the statistics would read "fewer than 3". This seeds fictional past participants (their
family names mean "example" in their country's language; emails at example.org), with
organisations of the right kinds in each country, registered for and attending the held
meetings of 2019-2022: some come back year after year, New Zealand joins in 2020. The 2020
virtual session keeps registrations only (its attendance was taken on paper), which shows
the counting rule's fall-back. The accounts cannot sign in (no password).

Rows go in as a few bulk inserts, drawn from a fixed random seed: the same history on
every install, in well under a second. Safe to run twice: it does nothing once its first
person exists."""

from __future__ import annotations

import random

from sqlalchemy import insert
from sqlalchemy import select

from app.attendance.models import Attendance
from app.attendance.models import AttendanceSource
from app.auth.models import Organisation
from app.auth.models import OrganisationKind
from app.auth.models import User
from app.auth.models import new_session_token
from app.events.models import Event
from app.events.models import EventStatus
from app.events.models import SessionKind
from app.extensions import db
from app.registrations.models import AttendAs
from app.registrations.models import Registration
from app.registrations.models import RegistrationStatus

NO_PASSWORD = "!"  # noqa: S105 (matches no password: these accounts are history only)
GOV, CSO, INTL = (OrganisationKind.GOVERNMENT, OrganisationKind.CIVIL_SOCIETY,
                  OrganisationKind.INTERNATIONAL)

# country: (family name meaning "example", zone, locale, given names, organisations)
PEOPLE = {
    "AU": ("Sample", "Australia/Sydney", "en",
           ["Alex", "Brooke", "Callum", "Dana", "Erin", "Fraser", "Georgia", "Hamish"],
           [("Department of Community Safety (fictional)", GOV),
            ("Office of Child Wellbeing (fictional)", GOV),
            ("Refugee Families Network (fictional)", CSO),
            ("Regional Protection Alliance (fictional)", INTL)]),
    "ID": ("Contoh", "Asia/Jakarta", "id",
           ["Adi", "Bunga", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra"],
           [("Kementerian Perlindungan Anak (fiktif)", GOV),
            ("Direktorat Imigrasi Daerah (fiktif)", GOV),
            ("Yayasan Anak Bangsa (fiktif)", CSO),
            ("Lembaga Bantuan Pengungsi (fiktif)", CSO)]),
    "MY": ("Contohan", "Asia/Kuala_Lumpur", "ms",
           ["Aisyah", "Badrul", "Chong", "Daniel", "Farah", "Haziq", "Intan", "Kavitha"],
           [("Jabatan Kebajikan Wilayah (rekaan)", GOV),
            ("Kementerian Dalam Negeri Wilayah (rekaan)", GOV),
            ("Persatuan Kanak-kanak Pelarian (rekaan)", CSO)]),
    "NZ": ("Tauira", "Pacific/Auckland", "en",
           ["Aroha", "Ben", "Hemi", "Isla", "Manaia", "Nikau"],
           [("Ministry of Resettlement (fictional)", GOV),
            ("Aotearoa Refugee Voices (fictional)", CSO)]),
    "TH": ("Tuayang", "Asia/Bangkok", "th",
           ["Anong", "Busaba", "Chai", "Decha", "Kanya", "Malee", "Niran", "Pranee"],
           [("Office of Child Protection Services (fictional)", GOV),
            ("Provincial Social Development Office (fictional)", GOV),
            ("Child Rights Foundation Thailand (fictional)", CSO),
            ("Mekong Migrant Support (fictional)", CSO)]),
}
# Kinds drawn for a new person: governments a little ahead of civil society, as in the rooms.
KIND_WEIGHTS = {GOV: 50, CSO: 40, INTL: 10}

# Held meeting title: (people by country, share of returning people, attends how).
MEETINGS = {
    "First Alternatives to Child Detention Peer Learning Platform Roundtable":
        ({"TH": 12, "AU": 8, "MY": 7, "ID": 8}, 0.0, AttendAs.IN_PERSON),
    "First virtual session: Mainstreaming child protection":
        ({"TH": 5, "AU": 6, "MY": 4, "ID": 4, "NZ": 3}, 0.6, AttendAs.ONLINE),
    "Second virtual session: Case management approaches":
        ({"TH": 6, "AU": 6, "MY": 5, "ID": 6, "NZ": 3}, 0.5, AttendAs.ONLINE),
    "Third virtual session: Education of refugee and migrant children":
        ({"TH": 7, "AU": 5, "MY": 6, "ID": 9, "NZ": 4}, 0.5, AttendAs.ONLINE),
    "What makes government and civil society partnerships effective?":
        ({"TH": 11, "AU": 9, "MY": 9, "ID": 12, "NZ": 6}, 0.45, AttendAs.ONLINE),
    "Second in-person roundtable, Putrajaya":
        ({"TH": 8, "AU": 6, "MY": 10, "ID": 8, "NZ": 4}, 0.55, AttendAs.IN_PERSON),
}
ON_PAPER = "First virtual session: Mainstreaming child protection"  # no attendance recorded
FIRST_EMAIL = "past.au.1@example.org"


def seed_participation_history(created: dict) -> None:
    """Fictional past participants, their registrations and their attendance (see the
    module's docstring)."""
    if db.session.scalar(select(User.id).where(User.email == FIRST_EMAIL)):
        return
    events = {event.title: event for event in db.session.scalars(select(Event).where(
        Event.title.in_(MEETINGS), Event.status == EventStatus.HELD))}
    if len(events) != len(MEETINGS):
        return  # not the demo's history: nothing to attach the people to
    rng = random.Random(2019)
    organisations = _organisations()
    pools: dict[str, list[User]] = {code: [] for code in PEOPLE}
    came: dict[str, list[User]] = {code: [] for code in PEOPLE}
    plan: list[tuple[Event, list[User], AttendAs]] = []
    for title, (sizes, returning, attend_as) in MEETINGS.items():
        people = []
        for code, size in sizes.items():
            back = rng.sample(came[code], min(len(came[code]), round(size * returning)))
            new = [_person(code, pools, organisations, rng) for _n in range(size - len(back))]
            came[code] += new
            people += back + new
        plan.append((events[title], people, attend_as))
    db.session.add_all(user for pool in pools.values() for user in pool)
    db.session.flush()
    registrations, attendance = [], []
    for event, people, attend_as in plan:
        for user in people:
            # At the in-person meetings, New Zealand joined online (the summaries say so).
            mode = AttendAs.ONLINE if user.country_code == "NZ" else attend_as
            registrations.append(dict(
                event_id=event.id, user_id=user.id, status=RegistrationStatus.CONFIRMED,
                attend_as=mode, consented_dt=event.sessions[0].start_dt,
                created_dt=event.sessions[0].start_dt, updated_dt=event.sessions[0].start_dt))
            if event.title != ON_PAPER:
                attendance += _attended(event, user, mode, rng)
    db.session.execute(insert(Registration), registrations)
    if attendance:
        db.session.execute(insert(Attendance), attendance)
    created["past participants"] = sum(len(pool) for pool in pools.values())
    created["past attendance"] = len(attendance)


def _organisations() -> dict[str, list[Organisation]]:
    found = {}
    for code, (*_rest, listed) in PEOPLE.items():
        found[code] = []
        for name, kind in listed:
            organisation = db.session.scalar(select(Organisation).where(
                Organisation.name == name, Organisation.country_code == code))
            if organisation is None:
                organisation = Organisation(name=name, kind=kind, country_code=code)
                db.session.add(organisation)
            found[code].append(organisation)
    return found


def _person(code: str, pools: dict, organisations: dict, rng: random.Random) -> User:
    """A new fictional person of ``code``: "Given X. Family", unique by the middle initial."""
    family, zone, locale, given, _orgs = PEOPLE[code]
    n = len(pools[code])
    name = f"{given[n % len(given)]} {chr(ord('A') + n // len(given))}. {family}"
    kinds = {org.kind for org in organisations[code]}
    weights = {kind: w for kind, w in KIND_WEIGHTS.items() if kind in kinds}
    kind = rng.choices(list(weights), list(weights.values()))[0]
    organisation = rng.choice([org for org in organisations[code] if org.kind == kind])
    user = User(email=f"past.{code.lower()}.{n + 1}@example.org", display_name=name,
                password_hash=NO_PASSWORD, session_token=new_session_token(),
                country_code=code, organisation=organisation, timezone=zone, locale=locale,
                languages=[locale, "en"] if locale != "en" else ["en"])
    user.set_roles(("participant",))
    pools[code].append(user)
    return user


def _attended(event: Event, user: User, mode: AttendAs, rng: random.Random) -> list[dict]:
    """The sessions a person attended: most plenaries, one small group of those at one
    time, the site visit for about half of those there in person; online people only
    the sessions open online."""
    online = mode == AttendAs.ONLINE
    rows, groups = [], {}
    for session in event.sessions:
        if session.kind in (SessionKind.BREAK, SessionKind.SOCIAL):
            continue
        if online and session.attendance_mode.value == "in_person":
            continue
        if session.kind == SessionKind.SMALL_GROUP and session.capacity is not None:
            groups.setdefault(session.start_dt, []).append(session)
            continue
        chance = 0.5 if session.kind == SessionKind.SITE_VISIT else 0.9
        if rng.random() < chance:
            rows.append(_row(session, user, online))
    for sessions in groups.values():
        rows.append(_row(rng.choice(sessions), user, online))
    if not rows:  # came, but to the one session they were drawn out of
        rows.append(_row(next(s for s in event.sessions if s.kind == SessionKind.PLENARY
                              and not (online and s.attendance_mode.value == "in_person")),
                         user, online))
    return rows


def _row(session, user: User, online: bool) -> dict:
    return dict(session_id=session.id, user_id=user.id,
                source=AttendanceSource.IMPORTED if online else AttendanceSource.CHECKED_IN,
                minutes=int((session.end_dt - session.start_dt).total_seconds() // 60) - 5
                if online else None, recorded_dt=session.start_dt)
