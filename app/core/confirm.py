"""Asking before a destructive action, without JavaScript: one page every feature shares.

A button that cancels or declines something does not post at once: it is a link (GET) to a
page that names the action in its heading, says what will happen, and holds the only form
that does it (POST with CSRF, one primary button naming the action) beside a way back. The
feature's view answers GET with ``confirm_page`` and acts only on a valid POST to the same
URL; a crawler, a prefetching browser or a stray click on the first button changes nothing.

The form may ask for more than a yes (a reason for declining): its fields, other than the
CSRF token and submit buttons, are rendered above the button, with their errors.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from flask import flash
from flask import redirect
from flask import render_template
from flask import request

from app.core.errors import Refusal
from app.core.forms import EmptyForm
from app.core.forms import refuse
from app.core.web import is_local_path
from app.extensions import db


def confirm_page(heading: str, consequences: str | Sequence[str], *, button: str, back: str,
                 form=None, refusal: str | None = None, status: int = 200):
    """The confirmation page as a (page, status) response.

    ``heading``: the action as a question ("Cancel the event “Bangkok 2027”?").
    ``consequences``: what pressing the button does, one sentence each. Say only what the
    code really does (who is emailed, what else changes): this is what the person agrees to.
    ``button``: the action in words, on the button ("Yes, cancel the event").
    ``back``: the page the person came from, for "Go back"; a local ``next`` in the URL wins.
    ``form``: the form the POST validates (a bare ``EmptyForm`` when nothing is asked).
    ``refusal``: the action can no longer be done (someone did it first): the page says why
    instead of offering the button, with status 409 unless another is given.
    """
    if isinstance(consequences, str):
        consequences = [consequences]
    wanted = request.args.get("next")
    form = form if form is not None else EmptyForm()
    if refusal is not None:
        refuse(form, refusal)
        status = 409 if status == 200 else status
    return render_template(
        "core/confirm.html", heading=heading, consequences=list(consequences), button=button,
        back=wanted if is_local_path(wanted) else back, form=form,
        offer=refusal is None), status


def confirm_then(*, heading: str, button: str, back: str, consequences: Callable[[], list[str]],
                 act: Callable[[], None], done: str, then: str, no_longer: str | None = None):
    """Both steps of a destructive action that asks for nothing but a yes, on one URL: GET
    (or an invalid POST) shows the confirmation page with ``consequences()``; a valid POST
    runs ``act()``, flashes ``done`` and goes to ``then``, unless ``act`` refuses (someone
    acted first), which the page then says. ``no_longer``: why the action cannot be done
    any more, said instead of asking."""
    form = EmptyForm()
    if no_longer is not None and not form.is_submitted():
        return confirm_page(heading, [], button=button, back=back, form=form,
                            refusal=no_longer)
    if form.validate_on_submit():
        try:
            act()
        except Refusal as error:
            db.session.rollback()
            return confirm_page(heading, [], button=button, back=back, form=form,
                                refusal=str(error), status=error.status)
        flash(done, "success")
        return redirect(then)
    return confirm_page(heading, consequences(), button=button, back=back, form=form,
                        status=400 if form.errors else 200)
