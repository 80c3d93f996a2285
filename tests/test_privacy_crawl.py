"""The Chatham House leak test: crawl the demo as each role and look for people.

The demo data (``flask seed-demo``, loaded here in-process) is the platform's history plus
accounts for every role: an organiser, participants from four countries, a lived-experience
expert under a pseudonym (advocate@), interpreters, an open bilateral poll and a bilateral call
already scheduled between Indonesia and Thailand (a private event of sari@ and somchai@, which
interpreter@ interprets).

As each role, the test follows every same-origin GET link from the timeline (bounded), reads
every page, every .ics and .csv it links to (and every file of a zip: the "Your data"
download, whose JSON and CSVs must hold the viewer's data and nobody else's), the role's
personal calendar feed, its Notices page and the emails queued for that person (OutboxMessage
rows addressed to them), and fails on any other person's display name, email or organisation
name, or the pseudonym holder's real name, outside the explicit allow-list below
(``allowed_people``). Travel documents are planted too: the demo's in-person registrations
carry passport names and numbers, which only organisers (visa letters) and the person
themselves may read; the crawl must find them there, and nowhere else. It also fails on a
count of 1 or 2 people in
the "Who is coming" numbers a participant can read, on any response >= 500, and when the
private call is reachable (or not) by the wrong people.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from html.parser import HTMLParser
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pypdfium2
import pytest
from sqlalchemy import select

from app.auth.models import User
from app.bilaterals.demo import SCHEDULED_TOPIC
from app.bilaterals.models import BilateralCall
from app.calendar import services as calendar
from app.core.models import OutboxMessage
from app.demo import seed_demo
from app.events.models import Event
from app.events.models import EventSession
from app.events.visibility import can_see_event
from app.extensions import db
from app.interpretation.models import BOOKED
from app.interpretation.models import Assignment
from app.library.models import Resource
from app.programme.models import SessionRole
from app.registrations.models import Registration
from tests.fixtures.people import login_as

MAX_PAGES = 800  # per role: far more than the demo has, so the crawl ends by exhausting links
ROLES = {
    "anonymous": None,
    "participant": "participant@example.org",  # New Zealand; not invited to the scheduled call
    "advocate": "advocate@example.org",  # registered under the pseudonym "Youth advocate A"
    "invitee": "sari@example.org",  # invited to (and registered for) the scheduled call
    "interpreter": "interpreter@example.org",  # interprets the scheduled call
    "organiser": "organiser@example.org",
    "focal_point": "focal@example.org",  # focal point of the Thai delegation
}
# Printed and worn in the room: even organisers' badge lists show only the public name.
BADGE_PAGES = re.compile(r"/logistics/badges(\.csv)?$")


@dataclass
class Person:
    id: int
    email: str
    display_name: str
    pseudonym: str
    public_name: str
    organisation: str
    passports: list[str] = field(default_factory=list)  # numbers and names as in passports


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)  # url -> normalised text
    statuses: dict[str, int] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(page_html: str) -> list[str]:
    parser = Links()
    parser.feed(page_html)
    return parser.hrefs


def canonical(base: str, href: str) -> str | None:
    """The same-origin path and query to fetch, or None for anything not to follow."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost"):
        return None
    if parts.path.startswith("/static/"):
        return None
    # "Back to where you were" links (?next=) repeat one page once per page that links it.
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
    return urlunsplit(("", "", parts.path, query, ""))


def unfold_ics(text: str) -> str:
    """iCalendar text as a reader sees it: folded lines joined, escapes undone."""
    text = re.sub(r"\r?\n[ \t]", "", text)
    return (text.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",")
            .replace("\\;", ";").replace("\\\\", "\\"))


def unzipped(data: bytes) -> str:
    """Every file of a zip download (the "Your data" CSVs), as one text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def pdf_text(data: bytes) -> str:
    """Every page's text of a PDF (an agenda, a programme): names are drawn as glyphs of an
    embedded font, so the bytes alone would never show one. Lines are joined with a space,
    as a paragraph wrapped on paper reads."""
    document = pypdfium2.PdfDocument(data)
    return re.sub(r"\s+", " ", " ".join(page.get_textpage().get_text_range()
                                        for page in document))


def readable(body: str, mimetype: str) -> str:
    if mimetype == "text/calendar":
        return unfold_ics(body)
    if mimetype == "text/html":
        return html.unescape(body)
    return body


def crawl(client, start: str = "/") -> Crawl:
    found = Crawl()
    queue, seen = deque([start]), {start}
    while queue and len(found.pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        found.statuses[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.mimetype == "application/zip":
            body = unzipped(response.get_data())
        elif response.mimetype == "application/pdf" and url.endswith(".pdf"):
            body = pdf_text(response.get_data())  # printouts: their text, as a reader reads it
        elif response.mimetype.startswith(("application/pdf", "image/", "application/vnd")):
            body = response.get_data().decode("latin-1")
        else:
            body = response.get_data(as_text=True)
        found.pages[url] = readable(body, response.mimetype)
        targets = links_in(body) if response.mimetype == "text/html" else []
        if response.status_code in (301, 302, 303) and response.location:
            targets.append(response.location)
        for href in targets:
            target = canonical(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    assert not queue, f"the crawl stopped at {MAX_PAGES} pages: raise MAX_PAGES"
    return found


def allowed_people(viewer: User | None, people: list[Person]) -> dict[int, set[str]]:
    """The explicit allow-list: for each other person, which of their identifiers this viewer
    may read somewhere (``"name"``, ``"email"``, ``"organisation"``, ``"real_name"`` -- the
    last for a pseudonym holder's display name). Anything not listed is a leak."""
    everything = {"name", "email", "organisation", "real_name", "passport"}
    allowed: dict[int, set[str]] = {person.id: set() for person in people}
    if viewer is None:
        return allowed  # anonymous visitors see the public timeline only: nobody at all
    if viewer.is_organiser:
        # Organisers run the meetings: rosters, invitations, interpreters and the outbox name
        # everyone, pseudonymous people by their real name too (visa letters need it). The
        # badge list is the exception, checked apart (BADGE_PAGES).
        return {person.id: set(everything) for person in people}
    if viewer.is_interpreter:
        # Interpreters share a booth and a turn schedule with the rest of their channel's
        # team: they read their partners' public names (never emails or organisations).
        partners = db.session.scalars(
            select(Assignment.interpreter_id).where(
                Assignment.status.in_(BOOKED),
                Assignment.channel_id.in_(select(Assignment.channel_id).where(
                    Assignment.interpreter_id == viewer.id,
                    Assignment.status.in_(BOOKED))))).all()
        for partner_id in partners:
            allowed[partner_id].add("name")
    if viewer.focal_country:
        # A delegation focal point reads the names of their own delegation (My delegation),
        # nobody else's, and never an email or an organisation there.
        for person_id in db.session.scalars(select(User.id).where(
                User.country_code == viewer.focal_country)):
            allowed[person_id].add("name")
    # A session's speaker, facilitator or moderator who agreed to be named in the programme
    # is named (by public name) to those who see the session (visibility.programme_name).
    for person_id, event in db.session.execute(
            select(SessionRole.user_id, Event).join(EventSession,
                                                    EventSession.id == SessionRole.session_id)
            .join(Event, Event.id == EventSession.event_id)
            .where(SessionRole.named_in_programme, SessionRole.user_id.is_not(None))):
        if can_see_event(viewer, event):
            allowed[person_id].add("name")
    # A library uploader who opted in is named (by public name) to every member.
    for uploader_id in db.session.scalars(select(Resource.uploader_id).where(
            Resource.show_uploader, Resource.uploader_id.is_not(None))):
        allowed[uploader_id].add("name")
    return allowed


def leaks(text: str, viewer: User | None, people: list[Person], allowed, masks) -> list[str]:
    """Identifiers of other people found in ``text`` that the viewer may not read."""
    for mask in masks:
        text = text.replace(mask, " ")
    lowered = text.lower()
    found = []
    for person in people:
        if viewer is not None and person.id == viewer.id:
            continue  # one's own name, email and organisation
        may = allowed[person.id]
        if person.pseudonym:
            # The pseudonym is what everyone reads; the real name is the secret.
            if "real_name" not in may and person.display_name in text:
                found.append(f"real name of {person.pseudonym!r}")
        elif "name" not in may and person.display_name in text:
            found.append(f"name {person.display_name!r}")
        if "email" not in may and person.email.lower() in lowered:
            found.append(f"email {person.email!r}")
        if person.organisation and "organisation" not in may and person.organisation in text:
            found.append(f"organisation {person.organisation!r} of {person.public_name!r}")
        if "passport" not in may:
            found += [f"passport detail {detail!r} of {person.public_name!r}"
                      for detail in person.passports if detail in text]
    return found


def small_counts_in(page: str) -> list[str]:
    """The "Who is coming" numbers of an event page, as 1s and 2s a participant could read."""
    panel = re.search(r'aria-labelledby="registration-heading">(.*?)</section>', page, re.S)
    if not panel:
        return []
    coming = re.sub(r"<[^>]+>", " ", panel.group(1).split("<h3>", 1)[-1])
    return re.findall(r"[^\n]*(?<![\d.])[12](?![\d.])[^\n]*", coming)


@pytest.fixture
def demo(app, db_session, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path / "library"))
    seed_demo()
    db.session.commit()
    _message_every_registrant()
    db.session.commit()
    return db.session


def _message_every_registrant() -> None:
    """The organiser writes to everyone registered for each event (waitlist too), with a
    Thai translation: each recipient's email and notice must name nobody else."""
    from app.registrations import services as registrations

    organiser = db.session.scalars(select(User).where(User.email == ROLES["organiser"])).one()
    for event in db.session.scalars(select(Event).order_by(Event.id)):
        message = registrations.draft_message(
            event, organiser, registrations.audience_of(waitlisted=True),
            {"en": ("Pre-reading", "Please read the case studies before we meet."),
             "th": ("เอกสารอ่านก่อนการประชุม", "โปรดอ่านกรณีศึกษาก่อนการประชุม")})
        registrations.send_message(message, organiser)
        db.session.commit()  # one request each: its own transaction and locks


def _people() -> list[Person]:
    passports: dict[int, list[str]] = {}
    for user_id, *details in db.session.execute(select(
            Registration.user_id, Registration.passport_number, Registration.passport_name)):
        passports.setdefault(user_id, []).extend(detail for detail in details if detail)
    return [Person(u.id, u.email, u.display_name, u.pseudonym, u.public_name,
                   u.organisation.name if u.organisation else "", passports.get(u.id, []))
            for u in db.session.scalars(select(User).order_by(User.id))]


def _masks() -> list[str]:
    """Public facts about meetings that happen to contain an organisation's name: who
    co-hosts an event is announced (it names no attendee), so it is not searched."""
    return sorted({e.co_hosts for e in db.session.scalars(select(Event)) if e.co_hosts},
                  key=len, reverse=True)


def test_no_page_export_feed_or_email_leaks_a_person(app, demo):
    people, masks = _people(), _masks()
    planted = {person.email: person.passports for person in people if person.passports}
    assert planted.get(ROLES["invitee"]), "the demo gives sari@ a passport number to look for"
    call = db.session.scalar(select(BilateralCall).where(BilateralCall.topic == SCHEDULED_TOPIC))
    assert call is not None and call.session is not None, "the demo schedules its call"
    private_event = f"/events/{call.session.event_id}"
    report, problems = {}, []
    for role, email in ROLES.items():
        viewer = db.session.scalar(select(User).where(User.email == email)) if email else None
        client = app.test_client()
        if viewer is not None:
            login_as(client, viewer)
        found = crawl(client)
        if viewer is not None:
            token = calendar.issue_feed_token(viewer)
            db.session.commit()
            feed = client.get(f"/calendar/{token}.ics")
            assert feed.status_code == 200
            found.pages[f"/calendar/<{role}>.ics"] = unfold_ics(feed.get_data(as_text=True))
            for message in db.session.scalars(select(OutboxMessage).where(
                    OutboxMessage.recipient == viewer.email)):
                found.emails.append("\n".join((message.subject, message.body,
                                               unfold_ics(message.calendar or ""))))
        if viewer is not None:
            # The "Your data" downloads are crawled (from the footer's link): they hold the
            # viewer's own data, and (checked below like every page) nobody else's.
            for download in ("/my-data/roundtable-data.json", "/my-data/roundtable-data.zip"):
                if viewer.email not in found.pages.get(download, ""):
                    problems.append(f"{role}: {download} was not crawled or lacks their email")
        allowed = allowed_people(viewer, people)
        for url, text in found.pages.items():
            if viewer is not None and viewer.is_organiser and BADGE_PAGES.search(url):
                pseudonymous = [p for p in people if p.pseudonym]
                problems += [f"{role} {url}: real name of {p.pseudonym!r} on a badge"
                             for p in pseudonymous if p.display_name in text]
                problems += [f"{role} {url}: organisation of {p.pseudonym!r} on a badge"
                             for p in pseudonymous if p.organisation and p.organisation in text]
                continue
            problems += [f"{role} {url}: {leak}"
                         for leak in leaks(text, viewer, people, allowed, masks)]
            if viewer is not None and not viewer.is_organiser:
                problems += [f"{role} {url}: small count {count.strip()!r}"
                             for count in small_counts_in(text)]
        # The planted details are there to be found where they belong: organisers read every
        # traveller's in a visa letter, a person their own on their registration.
        readers = planted if viewer is not None and viewer.is_organiser else {
            viewer.email: planted.get(viewer.email, [])} if viewer is not None else {}
        for email, details in readers.items():
            problems += [f"{role}: {email}'s passport detail {detail!r} is on no page"
                         for detail in details
                         if not any(detail in text for text in found.pages.values())]
        for n, text in enumerate(found.emails):
            problems += [f"{role} email {n}: {leak}"
                         for leak in leaks(text, viewer, people, allowed, masks)]
        # Every signed-in role reads its Notices page (the header links it), with the notices
        # the demo's invitations, polls, groups and assignments sent it.
        if viewer is not None and found.statuses.get("/notices") != 200:
            problems.append(f"{role}: the Notices page was not crawled")
        # The accounts page lists everyone's email: organisers only. The password-reset
        # pages, open to anyone, name nobody (checked like every other page above).
        if viewer is not None and viewer.is_organiser:
            if found.statuses.get("/accounts") != 200:
                problems.append(f"{role}: the accounts page was not reached")
        elif client.get("/accounts").status_code not in (302, 403):
            problems.append(f"{role}: /accounts is open to them")
        # Printouts are read as text: the agenda for everyone who sees an event, a
        # registrant's own programme (sari@ is registered for the coming roundtable).
        printed = {url.rsplit("/", 1)[-1] for url, status in found.statuses.items()
                   if url.endswith(".pdf") and status == 200}
        if viewer is not None and "agenda.pdf" not in printed:
            problems.append(f"{role}: no agenda PDF was crawled")
        if role == "invitee" and "my-programme.pdf" not in printed:
            problems.append(f"{role}: their programme PDF was not crawled")
        if role == "focal_point" and found.statuses.get("/delegation") != 200:
            problems.append(f"{role}: the My delegation page was not reached")
        # Preparation (briefing, glossaries): organisers and the session's interpreters
        # reach it, and the glossary's CSV, from their pages; the demo briefs a plenary.
        preparing = sorted(url for url, status in found.statuses.items()
                           if url.endswith("/preparation") and status == 200)
        if role in ("interpreter", "organiser"):
            if not any("Acronyms you will hear" in found.pages[url] for url in preparing):
                problems.append(f"{role}: no preparation page with the demo briefing reached")
            if found.statuses.get("/interpretation/glossaries/en/th/glossary.csv") != 200:
                problems.append(f"{role}: the English-Thai glossary CSV was not reached")
        elif preparing:
            problems.append(f"{role}: reached preparation pages {preparing}")
        if viewer is None and found.statuses.get("/password/forgot") != 200:
            problems.append(f"{role}: the password-reset form was not reached")
        sees_call = found.statuses.get(private_event) == 200
        should_see = role in ("invitee", "interpreter", "organiser")
        if sees_call != should_see:
            problems.append(f"{role}: the scheduled bilateral call is "
                            f"{'reachable' if sees_call else 'unreachable'}")
        if viewer is not None and not should_see:
            direct = client.get(private_event)
            if direct.status_code != 404:
                problems.append(f"{role}: {private_event} answered {direct.status_code}")
        report[role] = (len(found.pages), len(found.emails))
    print("\nprivacy crawl (pages incl. exports and feed, emails):")
    for role, (pages, emails) in report.items():
        print(f"  {role:12} {pages:4} pages  {emails:2} emails")
    print(f"  total        {sum(p for p, _e in report.values()):4} pages")
    assert problems == [], "\n".join(problems)
    assert report["organiser"][0] > 100 and report["participant"][0] > 30
    assert report["anonymous"][0] >= 2
