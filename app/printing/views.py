from flask import abort
from flask import render_template
from flask_login import current_user

from app.core.access import signed_in
from app.core.i18n import select_timezone
from app.core.templating import add_template_globals
from app.core.templating import current_language
from app.core.templating import current_locale
from app.core.templating import viewer_buddhist_era
from app.events.pagecache import VIEWER_STANDING
from app.events.services import visible_event_or_404
from app.printing import documents
from app.printing import services
from app.printing import texts
from app.printing.blueprint import bp
from app.registrations.services import viewer_registration


@bp.record_once
def register_globals(state):
    # The event page (events feature) links the programme without importing printing.
    add_template_globals(
        state.app,
        has_programme=lambda event: has_programme(event, current_user),
        session_details=texts.details,
        session_gathering=texts.gathering,
        session_listening=texts.listening,
    )


def has_programme(event, viewer) -> bool:
    """Whether the event page links the viewer's programme: all its part shows of them
    (``pagecache.VIEWER_STANDING``)."""
    registration = viewer_registration(event, viewer)
    return bool(registration and registration.is_active)


VIEWER_STANDING.add("programme", has_programme)


def _pdf(data: bytes, name: str):
    """A PDF to keep (an attachment, named for the event and the language it is in)."""
    return data, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{name}-{current_language()}.pdf"',
    }


def _reader() -> tuple[str, str, bool]:
    return select_timezone(), current_locale(), viewer_buddhist_era()


@bp.route("/events/<int:event_id>/agenda.pdf")
@signed_in
def agenda_pdf(event_id):
    """Whoever may read the event page may print its agenda."""
    event = visible_event_or_404(event_id, current_user)
    zone = select_timezone()
    days = services.agenda_days(event, *_reader())
    return _pdf(documents.agenda_pdf(event, days, zone), f"agenda-{event.id}")


@bp.route("/events/<int:event_id>/my-programme")
@signed_in
def programme(event_id):
    event = visible_event_or_404(event_id, current_user)
    return render_template("printing/programme.html", event=event,
                           programme=services.programme_of(event, current_user, *_reader()))


@bp.route("/events/<int:event_id>/my-programme.pdf")
@signed_in
def programme_pdf(event_id):
    """Only a registrant has a programme to print; anyone else finds nothing here."""
    event = visible_event_or_404(event_id, current_user)
    mine = services.programme_of(event, current_user, *_reader())
    if mine is None:
        abort(404)
    return _pdf(documents.programme_pdf(event, mine, select_timezone(), current_user),
                f"programme-{event.id}")
