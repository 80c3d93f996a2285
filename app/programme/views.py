from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core import languages
from app.core.access import organiser_required
from app.core.access import signed_in
from app.core.errors import Refusal
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.core.templating import add_template_globals
from app.core.templating import current_locale
from app.events.models import EventSession
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.events.visibility import can_see_event
from app.extensions import db
from app.library import labels as library_labels
from app.library import storage
from app.programme import labels
from app.programme import services
from app.programme.blueprint import bp
from app.programme.forms import MaterialForm
from app.programme.forms import RecordingForm
from app.programme.forms import RoleForm
from app.programme.models import Recording
from app.programme.models import RoleKind
from app.programme.models import SessionMaterial
from app.programme.models import SessionRole

BASE = "/events/<int:event_id>/sessions/<int:session_id>/programme"


@bp.record_once
def register_globals(state):
    # The session page (events) and the interpreter's preparation page (interpretation)
    # include this feature's templates without importing it: they call this global.
    add_template_globals(state.app, session_programme=session_programme)


def session_programme(session: EventSession) -> dict:
    """What the session panel and the preparation page show ``current_user``: the roles as
    they may read them, the pre-recorded items and materials (their files only to those who
    may use them), and for organisers the forms and who has not downloaded anything yet."""
    viewer = current_user._get_current_object()
    sees = can_see_event(viewer, session.event)
    organiser = viewer.is_authenticated and viewer.is_organiser
    materials = services.materials_of(session)
    found = {
        "roles": [(role, labels.ROLES[role.role],
                   services.role_name(role, viewer, sees_session=sees),
                   services.shows_organisation(role, viewer))
                  for role in services.roles_of(session)],
        "recordings": [(recording, ", ".join(languages.label(code, current_locale())
                                             for code in recording.subtitle_codes))
                       for recording in services.recordings_of(session)],
        "materials": materials,
        "may_use": sees and services.may_use_materials(session, viewer),
        "organiser": organiser,
        "resource_kind": library_labels.KINDS.get,
    }
    if organiser and session.status.value != "cancelled":
        found.update(role_form=_role_form(session, formdata=None),
                     recording_form=_recording_form(formdata=None),
                     material_form=_material_form(session, formdata=None),
                     button=EmptyForm(formdata=None),
                     not_downloaded=services.not_downloaded(session),
                     downloads=services.downloaded_by(session))
    return found


def _role_form(session, **kwargs) -> RoleForm:
    form = RoleForm(prefix="role", **kwargs)
    form.person.choices = as_choices([("", _("A guest without an account")), *(
        (str(person.id), f"{person.display_name} ({person.pseudonym})" if person.pseudonym
         else person.display_name)
        for person in services.people_to_choose(session))])
    return form


def _recording_form(**kwargs) -> RecordingForm:
    form = RecordingForm(prefix="recording", **kwargs)
    form.subtitles.choices = as_choices(languages.choices(current_locale()))
    return form


def _material_form(session, **kwargs) -> MaterialForm:
    form = MaterialForm(prefix="material", **kwargs)
    form.resource.choices = as_choices([("", _("Choose a resource")), *(
        (str(resource.id), f"{resource.title} ({library_labels.KINDS[resource.kind]})")
        for resource in services.addable_resources(session))])
    return form


def _session_or_404(event_id: int, session_id: int) -> EventSession:
    event = visible_event_or_404(event_id, current_user)
    return part_of_event_or_404(EventSession, session_id, event)


def _of_session_or_404(model, row_id: int, session: EventSession):
    row = db.session.get(model, row_id)
    if row is None or row.session_id != session.id:
        abort(404)
    return row


def _back(session: EventSession) -> str:
    return url_for("events.show_session", event_id=session.event_id,
                   session_id=session.id, _anchor="programme")


def _panel_form(session, form, change, said, *, heading: str, fields: str):
    """A form of the session panel posted: done, the session page again saying ``said`` of
    the result; refused, the form shown again on a page of its own with what was wrong
    beside its fields (``fields``: the template of its fields, as the panel has it)."""
    def done(result):
        flash(said(result), "success")
        return redirect(_back(session))

    def show(status):
        return render_template("programme/form_page.html", session=session, form=form,
                               heading=heading, action=request.path, back=_back(session),
                               fields=f"programme/_{fields}_fields.html"), status

    return submit_form(form, change, done=done, show=show)


@bp.route(BASE + "/roles", methods=["POST"])
@organiser_required
def add_role(event_id, session_id):
    session = _session_or_404(event_id, session_id)
    form = _role_form(session)

    def change():
        return services.add_role(session, services.RoleInput(
            role=RoleKind(form.role.data),
            user_id=int(form.person.data) if form.person.data else None,
            guest_name=form.guest_name.data or "",
            guest_organisation=form.guest_organisation.data or "",
            guest_country=form.guest_country.data or None, named=bool(form.named.data)))

    return _panel_form(session, form, change, lambda role: _(
        "%(name)s is in the programme as %(role)s.",
        name=services.role_name(role, current_user, sees_session=True),
        role=labels.ROLES[role.role]),
        heading=_("Add a speaker, facilitator or moderator"), fields="role")


@bp.route(BASE + "/roles/<int:role_id>/delete", methods=["POST"])
@organiser_required
def remove_role(event_id, session_id, role_id):
    return _row_button(event_id, session_id, SessionRole, role_id, services.remove_role,
                       _("Removed from the programme."))


@bp.route(BASE + "/roles/<int:role_id>/<any(up, down):direction>", methods=["POST"])
@organiser_required
def move_role(event_id, session_id, role_id, direction):
    return _row_button(event_id, session_id, SessionRole, role_id,
                       lambda role: services.move_role(role, -1 if direction == "up" else 1))


def _row_button(event_id, session_id, model, row_id, change, message: str | None = None):
    """A one-button change of one of the session's rows (a role, a material): 404 for a row
    of another session, then as ``_button``."""
    session = _session_or_404(event_id, session_id)
    row = _of_session_or_404(model, row_id, session)
    return _button(session, lambda: change(row), message)


def _button(session, change, message: str | None = None):
    """A one-button change from the panel (remove, move): done, or refused with the reason
    at the top of the session page (and undone)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change()
    except Refusal as error:
        flash_refusal(error)
        return redirect(_back(session))
    if message:
        flash(message, "success")
    return redirect(_back(session))


@bp.route(BASE + "/recordings", methods=["POST"])
@organiser_required
def add_recording(event_id, session_id):
    session = _session_or_404(event_id, session_id)
    form = _recording_form()

    def change():
        upload = form.video.data
        has_file = upload is not None and bool(getattr(upload, "filename", ""))
        recording = services.add_recording(session, services.RecordingInput(
            title=form.title.data or "", video_url=form.video_url.data or "",
            filename=upload.filename if has_file else "",
            stream=upload.stream if has_file else None,
            subtitle_codes=list(form.subtitles.data or [])))
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            if recording.stored_name:  # the file was written but the row was not kept
                storage.remove(recording.stored_name)
            raise
        return recording

    return _panel_form(session, form, change, lambda recording: _(
        "“%(title)s” is part of the session.", title=recording.title),
        heading=_("Add a pre-recorded item"), fields="recording")


@bp.route(BASE + "/recordings/<int:recording_id>/delete", methods=["POST"])
@organiser_required
def remove_recording(event_id, session_id, recording_id):
    session = _session_or_404(event_id, session_id)
    recording = _of_session_or_404(Recording, recording_id, session)

    def change():
        stored_name = services.remove_recording(recording)
        db.session.commit()
        if stored_name:
            storage.remove(stored_name)  # after the commit: a failed delete keeps the file

    return _button(session, change, _("The pre-recorded item is removed."))


@bp.route(BASE + "/materials", methods=["POST"])
@organiser_required
def add_material(event_id, session_id):
    session = _session_or_404(event_id, session_id)
    form = _material_form(session)

    def change():
        if not form.resource.data.isdigit():
            raise services.ProgrammeRefusal(_("Choose a resource."), field="resource")
        return services.add_material(session, int(form.resource.data))

    return _panel_form(session, form, change, lambda material: _(
        "“%(title)s” is a material of this session.", title=material.resource.title),
        heading=_("Add material"), fields="material")


@bp.route(BASE + "/materials/<int:material_id>/delete", methods=["POST"])
@organiser_required
def remove_material(event_id, session_id, material_id):
    return _row_button(event_id, session_id, SessionMaterial, material_id,
                       services.remove_material, _("The material is removed."))


def _usable_or_404(session: EventSession) -> None:
    """Like a private meeting's pages, the files are not there for anyone else."""
    if not services.may_use_materials(session, current_user):
        abort(404, description=_("The session's materials are for its registrants, the "
                                 "organisers and its interpreters."))


@bp.route(BASE + "/materials/<int:material_id>/download")
@signed_in
def download_material(event_id, session_id, material_id):
    """The file, for those who may use the session's materials; their first download is
    recorded (kept whatever follows: a reading request commits it itself)."""
    session = _session_or_404(event_id, session_id)
    material = _of_session_or_404(SessionMaterial, material_id, session)
    _usable_or_404(session)
    resource = material.resource
    response = storage.send_stored(resource.stored_name, resource.media_type,
                                   resource.original_name)
    services.record_download(material, current_user)
    db.session.commit()
    return response


@bp.route(BASE + "/recordings/<int:recording_id>/video")
@signed_in
def video(event_id, session_id, recording_id):
    """An uploaded pre-recorded video, played in the browser (range requests answered)."""
    session = _session_or_404(event_id, session_id)
    recording = _of_session_or_404(Recording, recording_id, session)
    _usable_or_404(session)
    if not recording.stored_name:
        abort(404)
    return storage.send_stored(recording.stored_name, recording.media_type,
                               recording.original_name, as_attachment=False)
