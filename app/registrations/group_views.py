"""Organisers' small-group pages: the groups of each time slot with their mix, a balanced
preview, applying it, and moving one person. Names are for organisers only (Chatham House)."""

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_babel import ngettext
from flask_login import current_user

from app.core.access import organiser_required
from app.core.errors import Refusal
from app.core.forms import as_choices
from app.core.forms import flash_refusal
from app.core.forms import submit_form
from app.core.templating import viewer_when
from app.events.models import EventSession
from app.events.services import part_of_event_or_404
from app.events.services import visible_event_or_404
from app.extensions import db
from app.registrations import groups
from app.registrations.blueprint import bp
from app.registrations.forms import ApplyGroupsForm
from app.registrations.forms import BalanceForm
from app.registrations.forms import MoveForm
from app.registrations.models import Registration


def _balance_form(slot, formdata=None) -> BalanceForm:
    form = BalanceForm(formdata, meta={"csrf": False}, prefix=f"slot{slot[0].id}")
    form.session_ids.choices = as_choices((str(s.id), s.title) for s in slot)
    if formdata is None:
        form.session_ids.data = [str(s.id) for s in slot]
    return form


def _move_form(event, slot, formdata=None) -> MoveForm:
    form = MoveForm(formdata, prefix=f"move{slot[0].id}")
    form.registration_id.choices = as_choices(
        (str(r.id), f"{r.user.display_name} · {group}" if group else r.user.display_name)
        for r, group in groups.slot_members(event, slot))
    form.session_id.choices = as_choices((str(s.id), s.title) for s in slot)
    return form


def _page(event, moved=None, status=200):
    """Every time slot with its groups as they are now, its preview form and its move form
    (``moved``: a refused move form, shown again in its own slot)."""
    slots = []
    for slot in groups.time_slots(event):
        posted = moved is not None and moved._prefix == f"move{slot[0].id}-"
        slots.append({"sessions": slot, "when": viewer_when(slot[0].start_dt),
                      "groups": groups.current_groups(event, slot),
                      "balance": _balance_form(slot),
                      "move": moved if posted else _move_form(event, slot)})
    return render_template("registrations/small_groups.html", event=event, slots=slots), status


@bp.route("/events/<int:event_id>/small-groups")
@organiser_required
def small_groups(event_id):
    return _page(visible_event_or_404(event_id, current_user))


def _preview_page(event, proposal, form, status=200):
    return render_template("registrations/small_groups_preview.html", event=event,
                           proposal=proposal, form=form,
                           when=viewer_when(proposal.groups[0].session.start_dt)), status


def _apply_form(proposal) -> ApplyGroupsForm:
    return ApplyGroupsForm(formdata=None, session_ids=",".join(
        str(g.session.id) for g in proposal.groups), keep="1" if proposal.keep else "",
        fingerprint=proposal.fingerprint)


@bp.route("/events/<int:event_id>/small-groups/preview")
@organiser_required
def preview_groups(event_id):
    """The balanced groups for the slot's groups ticked: nothing is saved until "Apply".
    Without a choice (a bare link), every group of the first time slot."""
    event = visible_event_or_404(event_id, current_user)
    slots = groups.time_slots(event)
    if not slots:
        return _page(event)  # it says how to add small groups
    slot = next((slot for slot in slots
                 if any(key.startswith(f"slot{slot[0].id}-") for key in request.args)), None)
    form = _balance_form(slot, request.args) if slot else _balance_form(slots[0])
    if slot is not None and not form.validate():
        flash(_("Choose at least one group to balance."), "error")
        return _page(event, status=400)
    try:
        proposal = groups.propose(event, form.session_ids.data, bool(form.keep.data))
    except Refusal as error:
        return _page(event, status=flash_refusal(error))
    return _preview_page(event, proposal, _apply_form(proposal))


def _ids(text) -> list[int]:
    parts = (text or "").split(",")
    if not all(part.strip().isdigit() for part in parts):
        raise groups.RegistrationError(_("Choose small groups of this event that run at the "
                                         "same time."))
    return [int(part) for part in parts]


@bp.route("/events/<int:event_id>/small-groups/apply", methods=["POST"])
@organiser_required
def apply_groups(event_id):
    event = visible_event_or_404(event_id, current_user)
    form = ApplyGroupsForm()

    def apply():
        return groups.apply_proposal(event, _ids(form.session_ids.data), form.keep.data == "1",
                                     form.fingerprint.data, current_user)

    def done(proposal):
        placed = sum(len(g.members) for g in proposal.groups)
        flash(ngettext("Groups applied: %(num)d person placed.",
                       "Groups applied: %(num)d people placed.", placed), "success")
        return redirect(url_for("registrations.small_groups", event_id=event.id), 303)

    def show(status):
        # The proposal as it would be now (the preview was stale), to check and apply.
        try:
            proposal = groups.propose(event, _ids(form.session_ids.data),
                                      form.keep.data == "1")
        except Refusal:
            return _page(event, status=status)
        return _preview_page(event, proposal, _apply_form(proposal), status)

    return submit_form(form, apply, show=show, done=done, flashed=True)


@bp.route("/events/<int:event_id>/small-groups/move", methods=["POST"])
@organiser_required
def move_to_group(event_id):
    event = visible_event_or_404(event_id, current_user)
    slot = next((slot for slot in groups.time_slots(event)
                 if f"move{slot[0].id}-session_id" in request.form), None)
    if slot is None:
        abort(400)
    form = _move_form(event, slot, request.form)

    def move():
        session = part_of_event_or_404(EventSession, int(form.session_id.data), event)
        registration = db.session.get(Registration, int(form.registration_id.data))
        groups.move_to_group(event, registration, session, current_user)
        return registration

    def done(registration):
        flash(_("%(name)s moved.", name=registration.user.display_name), "success")
        return redirect(url_for("registrations.small_groups", event_id=event.id), 303)

    return submit_form(form, move, show=lambda status: _page(event, form, status),
                       done=done, flashed=True)
