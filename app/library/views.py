from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user

from app.core.access import Role
from app.core.access import roles_required
from app.core.access import signed_in
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.templating import add_template_globals
from app.extensions import db
from app.library import labels
from app.library import services
from app.library import storage
from app.library.blueprint import bp
from app.library.forms import FilterForm
from app.library.forms import UploadForm
from app.library.forms import kind_pairs
from app.library.models import Resource
from app.library.models import ResourceKind
from app.library.models import TagKind

uploaders = roles_required(Role.PARTICIPANT, Role.ORGANISER)


@bp.record_once
def register_globals(state):
    # The event page (events feature) lists key downloads without importing the library.
    add_template_globals(state.app, key_downloads=services.key_downloads,
                         resource_kind_label=labels.KINDS.get, resource_tag_kinds=TagKind)


def _resource_or_404(resource_id) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    return resource


def _upload_form():
    form = UploadForm()
    if current_user.is_organiser:
        form.events.choices = as_choices((str(event.id), event.title)
                                         for event in services.linkable_events())
    else:
        del form.events  # key downloads are the organisers' choice
    return form


@bp.route("/library")
@signed_in
def index():
    form = FilterForm(request.args, meta={"csrf": False})
    form.tag.choices = as_choices([("", _("All topics")),
                                   *((tag, tag) for tag in services.topic_tags())])
    form.kind.choices = as_choices([("", _("All kinds")), *kind_pairs()])
    if not form.validate():
        abort(400, description=_("Choose filters from the lists."))
    found = services.resources(country=form.country.data or "", tag=form.tag.data or "",
                               kind=form.kind.data or "")
    return render_template("library/index.html", resources=found, form=form,
                           delete_form=EmptyForm(), may_upload=current_user.has_role(
                               Role.PARTICIPANT) or current_user.is_organiser)


@bp.route("/library/upload", methods=["GET", "POST"])
@uploaders
def upload():
    form = _upload_form()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = services.ResourceInput(
            title=form.title.data, kind=ResourceKind(form.kind.data),
            description=form.description.data or "", filename=upload.filename or "",
            stream=upload.stream, country_codes=list(form.countries.data or []),
            topic_tags=services.parse_tags(form.tags.data),
            event_ids=[int(v) for v in (form.events.data or [])] if "events" in form else [],
            show_uploader=bool(form.show_uploader.data))
        resource = None
        try:
            resource = services.add_resource(data, current_user)
            db.session.commit()
        except services.LibraryError as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error)]
            status = error.status
        except Exception:
            db.session.rollback()
            if resource is not None:  # the file was written but the row was not kept
                storage.remove(resource.stored_name)
            raise
        else:
            flash(_("“%(title)s” is in the library.", title=resource.title), "success")
            return redirect(url_for("library.index"))
    elif form.errors:
        status = 400
    return render_template("library/upload.html", form=form), status


@bp.route("/library/<int:resource_id>/download")
@signed_in
def download(resource_id):
    resource = _resource_or_404(resource_id)
    return storage.send_stored(resource.stored_name, resource.media_type,
                               resource.original_name)


@bp.route("/library/<int:resource_id>/delete", methods=["POST"])
@signed_in
def delete(resource_id):
    resource = _resource_or_404(resource_id)
    if not services.may_delete(resource, current_user):
        abort(403, description=_("Only the person who uploaded it or an organiser can delete "
                                 "this resource."))
    title = resource.title
    stored_name = services.delete_resource(resource)
    db.session.commit()
    storage.remove(stored_name)  # after the commit: a failed delete keeps the file
    flash(_("“%(title)s” is deleted.", title=title), "success")
    return redirect(url_for("library.index"))
