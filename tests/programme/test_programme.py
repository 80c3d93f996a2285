"""A session's programme: who speaks (named only as the Chatham House Rule allows), its
pre-recorded items, its materials and who may download them, and the record of downloads."""

from __future__ import annotations

import io
import re
from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.core import visibility
from app.core.errors import Conflict
from app.events.models import AttendanceMode
from app.events.models import EventKind
from app.events.models import EventStatus
from app.events.models import SessionStatus
from app.events.signals import session_materials_changed
from app.extensions import db
from app.library import services as library
from app.library.models import ResourceKind
from app.programme import services
from app.programme.models import MaterialDownload
from app.programme.models import Recording
from app.programme.models import RoleKind
from app.programme.models import SessionRole
from app.registrations.models import AttendAs
from app.registrations.models import RegistrationStatus
from app.registrations.services import RegistrationInput
from app.registrations.services import register
from tests.fixtures.people import login_as
from tests.forms import form_in
from tests.forms import refusal
from tests.library import files

START = datetime(2027, 3, 10, 3, tzinfo=UTC)
END = datetime(2027, 3, 10, 4, tzinfo=UTC)
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40


@pytest.fixture(autouse=True)
def library_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_DIR", str(tmp_path / "library"))
    return tmp_path / "library"


@pytest.fixture
def session(make_event, make_session):
    event = make_event(is_invitation_only=False)
    return make_session(event, START, END, title="Community placement")


@pytest.fixture
def resource(organiser):
    return library.add_resource(library.ResourceInput(
        title="Slides: community placement", kind=ResourceKind.SLIDES, filename="slides.pdf",
        stream=io.BytesIO(files.PDF)), organiser)


def _consent(**fields):
    return RegistrationInput(consent_chatham=True, consent_data=True, **fields)


def _guest(name="Aroha Ngata", *, named=True, country="NZ", role=RoleKind.SPEAKER):
    return services.RoleInput(role=role, guest_name=name, guest_organisation="Advisory Panel",
                              guest_country=country, named=named)


@pytest.fixture
def changes():
    """The sessions ``session_materials_changed`` was sent for."""
    sent = []

    def receiver(sender, **_extra):
        sent.append(sender.id)

    session_materials_changed.connect(receiver)
    yield sent
    session_materials_changed.disconnect(receiver)


# --- who is named ----------------------------------------------------------------------------

def test_an_account_speaker_who_did_not_agree_is_a_speaker_from_their_country(
        app, session, make_user, organiser, participant):
    speaker = make_user(country="TH", display_name="Somchai Jaidee")
    role = services.add_role(session, services.RoleInput(role=RoleKind.MODERATOR,
                                                         user_id=speaker.id))
    with app.test_request_context():
        assert services.role_name(role, participant, sees_session=True) == \
            "A moderator from Thailand"
        assert services.role_name(role, organiser, sees_session=True) == "Somchai Jaidee"
        assert services.role_name(role, speaker, sees_session=True) == "Somchai Jaidee"


def test_a_named_pseudonym_holder_shows_by_the_pseudonym_only_to_those_who_see_the_session(
        app, session, make_user, participant, organiser):
    advocate = make_user(country="MY", display_name="Amina Real", pseudonym="Youth advocate A")
    role = services.add_role(session, services.RoleInput(role=RoleKind.SPEAKER,
                                                         user_id=advocate.id, named=True))
    with app.test_request_context():
        assert services.role_name(role, participant, sees_session=True) == "Youth advocate A"
        assert services.role_name(role, organiser, sees_session=True) == "Amina Real"
        # Not signed in, or the session's event not visible to them: nobody is named.
        assert services.role_name(role, None, sees_session=True) == "A speaker from Malaysia"
        assert services.role_name(role, participant, sees_session=False) == \
            "A speaker from Malaysia"


def test_a_guest_is_named_only_if_they_agreed(app, session, participant, organiser):
    named = services.add_role(session, _guest())
    unnamed = services.add_role(session, _guest("Hidden Guest", named=False,
                                                role=RoleKind.FACILITATOR))
    nowhere = services.add_role(session, _guest("No Country", named=False, country=None))
    with app.test_request_context():
        assert services.role_name(named, participant, sees_session=True) == "Aroha Ngata"
        assert services.shows_organisation(named, participant)
        assert services.role_name(unnamed, participant, sees_session=True) == \
            "A facilitator from New Zealand"
        assert not services.shows_organisation(unnamed, participant)
        assert services.role_name(unnamed, organiser, sees_session=True) == "Hidden Guest"
        assert services.role_name(nowhere, participant, sees_session=True) == "A speaker"


def test_the_visibility_rule_itself(participant, organiser, make_user):
    person = make_user(display_name="Real Name", pseudonym="Alias")
    rule = visibility.programme_name
    assert rule(participant, person, named=True, sees_session=True) == "Alias"
    assert rule(participant, person, named=False, sees_session=True) is None
    assert rule(participant, person, named=True, sees_session=False) is None
    assert rule(None, person, named=True, sees_session=True) is None
    assert rule(organiser, person, named=False, sees_session=True) == "Real Name"
    assert rule(participant, None, guest_name="Guest", named=True, sees_session=True) == "Guest"
    assert rule(participant, None, guest_name="Guest", named=False, sees_session=True) is None
    assert rule(organiser, None, guest_name="Guest", named=False, sees_session=True) == "Guest"


def test_speakers_by_session_for_the_agenda(app, session, make_session, make_user, participant):
    other = make_session(session.event, START, END, title="Empty")
    services.add_role(session, _guest())
    services.add_role(session, services.RoleInput(
        role=RoleKind.MODERATOR, user_id=make_user(country="ID").id))
    with app.test_request_context():
        assert services.speakers_by_session([session, other], participant) == {
            session.id: ["Aroha Ngata", "A moderator from Indonesia"], other.id: []}
        assert services.speakers_by_session([], participant) == {}


# --- changing the programme --------------------------------------------------------------------

def test_roles_are_an_account_or_a_guest_never_both_nor_neither(session, make_user, app):
    person = make_user()
    interpreter_only = make_user(("interpreter",))
    with app.test_request_context():
        for data in (services.RoleInput(role=RoleKind.SPEAKER),
                     services.RoleInput(role=RoleKind.SPEAKER, user_id=person.id,
                                        guest_name="Also a guest"),
                     services.RoleInput(role=RoleKind.SPEAKER, user_id=interpreter_only.id),
                     services.RoleInput(role=RoleKind.SPEAKER, user_id=10**9)):
            with pytest.raises(services.ProgrammeRefusal) as refused:
                services.add_role(session, data)
            assert refused.value.field == "person"
        services.add_role(session, services.RoleInput(role=RoleKind.SPEAKER, user_id=person.id))
        with pytest.raises(Conflict):  # the same account in the same role again
            services.add_role(session, services.RoleInput(role=RoleKind.SPEAKER,
                                                          user_id=person.id))
        # In another role, the same person is welcome.
        services.add_role(session, services.RoleInput(role=RoleKind.MODERATOR,
                                                      user_id=person.id))


def test_organisers_reorder_the_roles(session, changes):
    first, second, third = (services.add_role(session, _guest(name)) for name in "ABC")
    services.move_role(third, -1)
    services.move_role(first, -1)  # already first: nothing moves
    assert [role.guest_name for role in services.roles_of(session)] == ["A", "C", "B"]
    services.move_role(first, 1)
    assert [role.guest_name for role in services.roles_of(session)] == ["C", "A", "B"]
    services.remove_role(second)
    assert [role.guest_name for role in services.roles_of(session)] == ["C", "A"]
    assert changes == [session.id] * 6  # the move that moved nothing told nobody


def test_a_cancelled_session_takes_no_more_changes(session, resource, app):
    role = services.add_role(session, _guest())
    session.status = SessionStatus.CANCELLED
    db.session.flush()
    with app.test_request_context():
        for change in (lambda: services.add_role(session, _guest("Late")),
                       lambda: services.remove_role(role),
                       lambda: services.add_material(session, resource.id)):
            with pytest.raises(Conflict):
                change()


def test_pre_recorded_items_are_a_link_or_an_uploaded_video(session, library_dir, app, changes):
    with app.test_request_context():
        linked = services.add_recording(session, services.RecordingInput(
            title="Child advocates", video_url="https://video.example.org/advocates",
            subtitle_codes=["th", "en", "th"]))
        assert linked.subtitle_codes == ["en", "th"] and linked.stored_name is None
        uploaded = services.add_recording(session, services.RecordingInput(
            title="Welcome", filename="welcome.mp4", stream=io.BytesIO(MP4)))
        assert uploaded.media_type == "video/mp4" and uploaded.original_name == "welcome.mp4"
        assert (library_dir / uploaded.stored_name).read_bytes() == MP4
        refused = [
            (services.RecordingInput(title="Both", video_url="https://v.example.org",
                                     filename="a.mp4", stream=io.BytesIO(MP4)), "video"),
            (services.RecordingInput(title="Neither"), "video"),
            (services.RecordingInput(title="Script", video_url="javascript:alert(1)"),
             "video_url"),
            (services.RecordingInput(title="Disguised", filename="clip.mp4",
                                     stream=io.BytesIO(files.PDF)), "video"),
            (services.RecordingInput(title="A document", filename="slides.pdf",
                                     stream=io.BytesIO(files.PDF)), "video"),
            (services.RecordingInput(title=" ", video_url="https://v.example.org"), "title"),
            (services.RecordingInput(title="Klingon", video_url="https://v.example.org",
                                     subtitle_codes=["tlh"]), "subtitles"),
        ]
        for data, field in refused:
            with pytest.raises(services.ProgrammeRefusal) as error:
                services.add_recording(session, data)
            assert error.value.field == field, data.title
        assert services.remove_recording(uploaded) == uploaded.stored_name
    assert [r.title for r, in db.session.execute(select(Recording))] == ["Child advocates"]
    assert changes == [session.id] * 3
    # The library itself still takes no videos.
    with app.test_request_context(), pytest.raises(library.LibraryError):
        library.check_file("welcome.mp4", io.BytesIO(MP4))


def test_a_material_is_added_once(session, resource, app, changes):
    material = services.add_material(session, resource.id)
    with app.test_request_context():
        with pytest.raises(Conflict):
            services.add_material(session, resource.id)
        with pytest.raises(services.ProgrammeRefusal):
            services.add_material(session, 10**9)
    assert services.addable_resources(session) == []
    services.remove_material(material)
    assert services.addable_resources(session) == [resource]
    assert changes == [session.id] * 2


# --- who may use the materials, and who did -----------------------------------------------------

def _assign(interpreter, session):
    from app.interpretation.models import Assignment
    from app.interpretation.models import Grade
    from app.interpretation.models import SessionChannel
    from app.interpretation.services import save_profile

    profile = save_profile(interpreter, timezone="Asia/Bangkok", works_remote=True,
                           works_on_site=True, grades={"th": Grade.A, "en": Grade.B})
    channel = SessionChannel(session=session, language_code="th")
    db.session.add_all([channel, Assignment(channel=channel, interpreter=profile)])
    db.session.flush()


def test_materials_are_for_registrants_organisers_and_assigned_interpreters(
        make_event, make_session, make_user, organiser, interpreter):
    event = make_event(kind=EventKind.HYBRID, is_invitation_only=False)
    on_site = make_session(event, START, END, attendance_mode=AttendanceMode.IN_PERSON)
    in_person, online, pending, stranger = (make_user() for _ in range(4))
    register(event, in_person, _consent(attend_as=AttendAs.IN_PERSON))
    register(event, online, _consent(attend_as=AttendAs.ONLINE))
    register(event, pending, _consent(attend_as=AttendAs.IN_PERSON)).status = \
        RegistrationStatus.PENDING
    other_interpreter = make_user(("interpreter",))
    _assign(interpreter, on_site)
    allowed = {person.id for person in (in_person, online, pending, stranger, organiser,
                                        interpreter, other_interpreter)
               if services.may_use_materials(on_site, person)}
    assert allowed == {in_person.id, organiser.id, interpreter.id}
    assert not services.may_use_materials(on_site, None)


def test_downloads_are_recorded_once_and_organisers_see_who_has_none(
        session, resource, make_user):
    first, second = make_user(display_name="Zed"), make_user(display_name="Ann")
    for person in (first, second):
        register(session.event, person, _consent())
    assert services.not_downloaded(session) == []  # no materials: nothing to download
    material = services.add_material(session, resource.id)
    assert services.not_downloaded(session) == [second, first]
    services.record_download(material, first)
    services.record_download(material, first)
    assert db.session.scalar(select(func.count()).select_from(MaterialDownload)) == 1
    assert services.downloaded_by(session) == {material.id: 1}
    assert services.not_downloaded(session) == [second]


def test_erasure_removes_roles_and_downloads(session, resource, make_user, organiser):
    from app.privacy.services import erase

    person = make_user()
    register(session.event, person, _consent())
    services.add_role(session, services.RoleInput(role=RoleKind.SPEAKER, user_id=person.id,
                                                  named=True))
    services.record_download(services.add_material(session, resource.id), person)
    db.session.commit()  # erasing is a request of its own (it locks the account first)
    erase(person, organiser)
    assert db.session.scalar(select(func.count()).select_from(SessionRole)) == 0
    assert db.session.scalar(select(func.count()).select_from(MaterialDownload)) == 0


# --- the session page ----------------------------------------------------------------------------

def _url(session) -> str:
    return f"/events/{session.event_id}/sessions/{session.id}"


def _panel(html: str) -> str:
    return re.search(r'<section class="card programme".*?</section>', html, re.S).group(0)


def test_an_organiser_builds_the_programme_on_the_session_page(
        app, session, resource, organiser, make_user):
    speaker = make_user(country="TH", display_name="Somchai Jaidee")
    client = login_as(app.test_client(), organiser)
    page = client.get(_url(session)).get_data(as_text=True)
    form = form_in(client, _url(session), page, action=f"{_url(session)}/programme/roles")
    response = form.fill(**{"role-role": "moderator", "role-person": str(speaker.id)}).submit()
    assert response.status_code == 302
    page = client.get(_url(session)).get_data(as_text=True)
    form = form_in(client, _url(session), page, action=f"{_url(session)}/programme/materials")
    assert form.fill(**{"material-resource": str(resource.id)}).submit().status_code == 302
    page = client.get(_url(session)).get_data(as_text=True)
    form = form_in(client, _url(session), page, action=f"{_url(session)}/programme/recordings")
    response = form.fill(**{"recording-title": "Welcome", "recording-subtitles": ["th"]}) \
        .attach("recording-video", MP4, "welcome.mp4").submit()
    assert response.status_code == 302
    panel = _panel(client.get(_url(session)).get_data(as_text=True))
    assert "Somchai Jaidee" in panel and "not named to participants" in panel
    assert "Slides: community placement" in panel and "Welcome" in panel
    video = client.get(f"{_url(session)}/programme/recordings/"
                       f"{db.session.scalar(select(Recording.id))}/video")
    assert video.status_code == 200 and video.data == MP4


def test_a_refused_role_shows_its_form_again_with_the_reason(app, session, organiser):
    client = login_as(app.test_client(), organiser)
    page = client.get(_url(session)).get_data(as_text=True)
    form = form_in(client, _url(session), page, action=f"{_url(session)}/programme/roles")
    response = form.submit()  # neither a person nor a guest
    assert response.status_code == 400
    shown = refusal(response.get_data(as_text=True))
    assert "role-person" in shown.invalid
    assert "Choose a person with an account, or give a guest" in shown.errors["role-person"]


def test_a_registrant_sees_and_downloads_the_materials_and_others_do_not(
        app, session, resource, make_user, organiser):
    material = services.add_material(session, resource.id)
    services.add_role(session, services.RoleInput(
        role=RoleKind.SPEAKER, user_id=make_user(country="TH", display_name="Hidden Name").id))
    registrant, outsider = make_user(), make_user()
    register(session.event, registrant, _consent())
    db.session.commit()
    download = f"{_url(session)}/programme/materials/{material.id}/download"
    client = login_as(app.test_client(), registrant)
    panel = _panel(client.get(_url(session)).get_data(as_text=True))
    assert download in panel and "A speaker from Thailand" in panel
    assert "Hidden Name" not in panel and "Remove" not in panel
    response = client.get(download)
    assert response.status_code == 200 and response.data == files.PDF
    assert db.session.scalar(select(MaterialDownload.user_id)) == registrant.id
    other = login_as(app.test_client(), outsider)
    panel = _panel(other.get(_url(session)).get_data(as_text=True))
    assert download not in panel and "1 material, for the session" in panel
    assert other.get(download).status_code == 404
    # Organisers see who has downloaded nothing yet: here nobody is left.
    panel = _panel(login_as(app.test_client(), organiser).get(_url(session))
                   .get_data(as_text=True))
    assert "Every registrant of this session has downloaded at least one material." in panel


def test_a_draft_events_session_programme_is_not_there_for_participants(
        app, make_event, make_session, participant):
    event = make_event(status=EventStatus.DRAFT)
    session = make_session(event, START, END)
    material_url = f"{_url(session)}/programme/materials/1/download"
    client = login_as(app.test_client(), participant)
    assert client.get(_url(session)).status_code == 404
    assert client.get(material_url).status_code == 404
