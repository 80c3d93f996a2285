"""The signed-in floor for ``bench/agenda.py``: Roundtable with one extra page that does what
every signed-in page about one event must do before it shows anything, and shows nothing.

It reads the viewer's account (Flask-Login, with the pool's ping), reads the event with the
viewer's registration in the event page's one statement (``event_page_or_404``: may they see
it, is the page fresh), and answers with this response's masked CSRF token in a page of the
viewer's language; the request log, security headers and session are Roundtable's own. Its
first views, as a share of the bare app's (``floor_ratio``), are the most any agenda on this
stack, with these guarantees, could reach on the machine: the agenda's ``ratio`` is read
against it.
"""

from flask_login import current_user

from app.core.access import signed_in
from app.core.compression import masked_csrf_token
from app.core.templating import current_locale
from app.events.services import event_page_or_404
from wsgi import app


@app.route("/bench/floor/<int:event_id>")
@signed_in
def floor(event_id):
    event_page_or_404(event_id, current_user)
    language = current_locale().replace("_", "-")
    return f'<html lang="{language}"><input name="csrf_token" value="{masked_csrf_token()}">'
