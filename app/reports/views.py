from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_babel import force_locale
from flask_login import current_user

from app.core.access import organiser_required
from app.core.access import public
from app.core.forms import EmptyForm
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import refuse_change
from app.core.templating import add_template_globals
from app.core.templating import current_language
from app.events.services import visible_event_or_404
from app.events.translations import platform_languages
from app.extensions import db
from app.library import storage
from app.reports import documents
from app.reports import services
from app.reports.blueprint import bp
from app.reports.forms import AcknowledgeForm
from app.reports.forms import DownloadsForm
from app.reports.forms import SectionsForm
from app.reports.models import SECTIONS


@bp.record_once
def register_globals(state):
    # The event page (events feature) links the builder without importing this feature.
    add_template_globals(state.app, summary_report_of=services.report_of)


def _language(given: str | None, default: str) -> str:
    """A language of the platform from the query string, else ``default``; anything else
    is refused rather than guessed."""
    if not given:
        return default
    if given not in platform_languages():
        abort(400, description=_("Choose one of the platform's languages."))
    return given


# --- the organisers' builder ---------------------------------------------------------------

def _builder(event, *, language, sections_form=None, status=200):
    report = services.report_or_blank(event)
    if sections_form is None:
        texts = (report.texts or {}).get(language) or {}
        sections_form = SectionsForm(data={**texts,
                                           "seen": services.fingerprint(report, language)})
    downloads_form = _downloads_form(data={"resources": [str(r.id) for r in report.downloads]})
    check = services.check_report(report)
    return render_template(
        "reports/builder.html", event=event, report=report, language=language,
        languages=platform_languages(), sections=SECTIONS, form=sections_form,
        downloads_form=downloads_form, check=check, highlighted=services.highlighted,
        acknowledge_form=AcknowledgeForm(), action_form=EmptyForm()), status


def _downloads_form(**kwargs) -> DownloadsForm:
    form = DownloadsForm(**kwargs)
    form.resources.choices = as_choices(
        (str(resource.id), resource.title) for resource in services.library_choices())
    return form


@bp.route("/events/<int:event_id>/report/builder", methods=["GET", "POST"])
@organiser_required
def builder(event_id):
    event = visible_event_or_404(event_id, current_user)
    language = _language(request.values.get("lang"), event.language)
    if request.method == "GET":
        return _builder(event, language=language)
    form = SectionsForm()
    if not form.validate_on_submit():
        return _builder(event, language=language, sections_form=form, status=400)
    try:
        services.save_sections(event, language,
                               {section: form[section].data or "" for section in SECTIONS},
                               form.seen.data)
    except services.ReportError as error:
        status = refuse_change(form, error)
        return _builder(event, language=language, sections_form=form, status=status)
    db.session.commit()
    flash(_("Saved. The check below looks at what you saved."), "success")
    return redirect(url_for("reports.builder", event_id=event.id, lang=language,
                            _anchor="check"))


def _builder_post(event_id, form, change, said, *, invalid: str | None = None,
                  anchor: str | None = None):
    """A form of the builder other than its sections (a button, a flag acknowledged, the
    key downloads): ``change(event)`` applied, then the builder saying ``said(result)``. A
    form not filled as asked: ``invalid`` at the top of the builder (a bare button: 400); a
    refusal: its reason at the top, the change undone."""
    event = visible_event_or_404(event_id, current_user)
    language = _language(request.args.get("lang"), event.language)
    if not form.validate_on_submit():
        if invalid is None:
            abort(400)
        flash(invalid, "error")
        return _builder(event, language=language, status=400)
    try:
        result = change(event)
    except services.ReportError as error:
        flash_refusal(error)
        return _builder(event, language=language, status=error.status)
    db.session.commit()
    flash(said(result), "success")
    return redirect(url_for("reports.builder", event_id=event.id, lang=language,
                            _anchor=anchor))


@bp.route("/events/<int:event_id>/report/draft", methods=["POST"])
@organiser_required
def draft(event_id):
    def said(filled):
        if not filled:
            return _("Nothing to fill: every section the agenda could fill already has text.")
        return _("Filled %(sections)s from the agenda. Sections that had text were left as "
                 "they were.", sections=", ".join(f"{section_label(s)} ({lang})"
                                                  for lang, s in filled))

    return _builder_post(event_id, EmptyForm(), services.draft_from_agenda, said)


@bp.route("/events/<int:event_id>/report/publish", methods=["POST"])
@organiser_required
def publish(event_id):
    return _builder_post(event_id, EmptyForm(), services.publish,
                         lambda _report: _("Published: anyone can now read the report."))


@bp.route("/events/<int:event_id>/report/unpublish", methods=["POST"])
@organiser_required
def unpublish(event_id):
    return _builder_post(
        event_id, EmptyForm(), services.unpublish,
        lambda _report: _("The report is a draft again: the public page is gone."))


@bp.route("/events/<int:event_id>/report/acknowledge", methods=["POST"])
@organiser_required
def acknowledge(event_id):
    form = AcknowledgeForm()
    return _builder_post(
        event_id, form, lambda event: services.acknowledge(event, form.words.data, current_user),
        lambda _flag: _("Recorded: “%(words)s” may stand in this report.",
                        words=form.words.data),
        invalid=_("Choose a flag to acknowledge."), anchor="check")


@bp.route("/events/<int:event_id>/report/downloads", methods=["POST"])
@organiser_required
def downloads(event_id):
    form = _downloads_form()
    return _builder_post(
        event_id, form, lambda event: services.set_downloads(
            event, [int(value) for value in form.resources.data or []]),
        lambda _report: _("Key downloads saved."),
        invalid=_("Choose resources from the library's list."))


# --- what anyone may read ------------------------------------------------------------------

def section_label(section: str) -> str:
    return str(SectionsForm.__dict__[section].args[0])


def _published_or_404(event_id):
    report = services.published_report(event_id)
    if report is None:
        abort(404)
    return report


def _in_language():
    """The language asked for (a switch link), else the reader's: the whole page is then
    written in it, so headings and text agree."""
    return _language(request.args.get("lang"), current_language())


@bp.route("/reports/<int:event_id>")
@public
def public_report(event_id):
    report = _published_or_404(event_id)
    language = _in_language()
    with force_locale(language):
        return render_template("reports/public.html", report=report, event=report.event,
                               language=language, sections=SECTIONS,
                               section_text=services.section_text, blocks=services.blocks,
                               given=services.given_languages(report),
                               section_label=section_label)


@bp.route("/reports/<int:event_id>.pdf")
@public
def public_report_pdf(event_id):
    report = _published_or_404(event_id)
    language = _in_language()
    with force_locale(language):
        data = documents.report_pdf(report, language, section_label)
    return data, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="report-{report.event_id}-{language}.pdf"',
    }


@bp.route("/reports/<int:event_id>/downloads/<int:resource_id>")
@public
def key_download(event_id, resource_id):
    """A library file, for anyone, only as a key download of a published report (the
    library itself is for members)."""
    resource = services.public_download(event_id, resource_id)
    if resource is None:
        abort(404)
    return storage.send_stored(resource.stored_name, resource.media_type,
                               resource.original_name, private=False)


@bp.route("/platform")
@public
def timeline():
    return render_template("reports/timeline.html", years=services.platform_timeline())
