"""Interpreters' preparation pages: a session's preparation (facts, briefing, glossaries,
speakers and materials), the glossary of a language pair and its CSV.

Organisers and the interpreters a page concerns get in (see ``preparation``); any other
interpreter or organiser-less account is answered 404, as for someone else's assignment."""

from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import select

from app.core.access import Role
from app.core.access import organiser_required
from app.core.access import roles_required
from app.core.forms import EmptyForm
from app.core.forms import submit_form
from app.events.models import EventSession
from app.extensions import db
from app.interpretation import exports
from app.interpretation import preparation
from app.interpretation import rules
from app.interpretation import services
from app.interpretation.blueprint import bp
from app.interpretation.forms import BriefingForm
from app.interpretation.forms import GlossaryTermForm
from app.interpretation.models import SessionChannel

PREPARING = (Role.ORGANISER, Role.INTERPRETER)


def _session_or_404(session_id) -> EventSession:
    session = db.session.get(EventSession, session_id)
    if session is None or not preparation.may_prepare(current_user, session):
        abort(404)  # not theirs to prepare: do not reveal the session exists
    return session


def _pair_or_404(code_a, code_b) -> preparation.Pair:
    pair = preparation.known_pair(code_a, code_b)
    if pair is None or not preparation.may_use_glossary(current_user, pair):
        abort(404)
    return pair


def _term_or_404(term_id):
    term = preparation.load_term(term_id)
    if term is None or not preparation.may_use_glossary(current_user, term.pair):
        abort(404)
    return term


def _pair_label(pair) -> str:
    return f"{rules.lang(pair[0])} ↔ {rules.lang(pair[1])}"


def _term_form(pair, **data) -> GlossaryTermForm:
    """The entry's form, its labels naming the pair's languages."""
    form = GlossaryTermForm(**data)
    form.term.label.text = _("Term in %(language)s", language=rules.lang(pair[0]))
    form.equivalent.label.text = _("Equivalent in %(language)s", language=rules.lang(pair[1]))
    return form


# --- a session's preparation ----------------------------------------------------------------

@bp.route("/interpretation/sessions/<int:session_id>/preparation")
@roles_required(*PREPARING)
def preparation_page(session_id):
    return _preparation_page(_session_or_404(session_id))


def _preparation_page(session, status=200, briefing_form=None):
    briefing = preparation.briefing_of(session)
    if briefing_form is None and current_user.is_organiser:
        briefing_form = BriefingForm(formdata=None, text=briefing.text if briefing else "")
    channels = list(db.session.scalars(select(SessionChannel).where(
        SessionChannel.session_id == session.id).order_by(SessionChannel.id)))
    pairs = preparation.session_pairs(session, current_user)
    return render_template(
        "interpretation/preparation.html", session=session, event=session.event,
        channels=channels, briefing=briefing, briefing_form=briefing_form,
        glossaries=preparation.glossaries(pairs), pair_label=_pair_label,
        on_site=services.is_on_site(session),
        place=services.place_of(channels[0]) if channels else ""), status


@bp.route("/interpretation/sessions/<int:session_id>/briefing", methods=["POST"])
@organiser_required
def save_briefing(session_id):
    session = _session_or_404(session_id)
    form = BriefingForm()

    def done(_briefing):
        flash(_("Briefing saved."), "success")
        return redirect(url_for("interpretation.preparation_page", session_id=session.id))

    return submit_form(form, lambda: preparation.save_briefing(session, form.text.data or ""),
                       done=done,
                       show=lambda status: _preparation_page(session, status, form))


# --- a language pair's glossary -------------------------------------------------------------

@bp.route("/interpretation/glossaries/<code_a>/<code_b>", methods=["GET", "POST"])
@roles_required(*PREPARING)
def glossary(code_a, code_b):
    """The glossary, and the form that adds a term to it."""
    pair = _pair_or_404(code_a, code_b)
    form = _term_form(pair)

    def done(term):
        flash(_("“%(term)s” is in the glossary.", term=term.term_a), "success")
        return redirect(url_for("interpretation.glossary", code_a=pair[0], code_b=pair[1]))

    return submit_form(form, lambda: preparation.add_term(
        pair, form.term.data, form.equivalent.data, form.note.data or ""), done=done,
        show=lambda status: _glossary_page(pair, form, status))


def _glossary_page(pair, form, status=200):
    return render_template("interpretation/glossary.html", pair=pair,
                           pair_label=_pair_label(pair), terms=preparation.glossary(pair),
                           form=form, action_form=EmptyForm()), status


@bp.route("/interpretation/glossaries/<code_a>/<code_b>/glossary.csv")
@roles_required(*PREPARING)
def glossary_csv(code_a, code_b):
    pair = _pair_or_404(code_a, code_b)
    text = exports.glossary_csv(pair, preparation.glossary(pair))
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="glossary-{pair[0]}-{pair[1]}.csv"',
        "Cache-Control": "no-store",
    })


@bp.route("/interpretation/glossary-terms/<int:term_id>/edit", methods=["GET", "POST"])
@roles_required(*PREPARING)
def edit_term(term_id):
    term = _term_or_404(term_id)
    pair = term.pair
    form = _term_form(pair) if request.method == "POST" else _term_form(
        pair, formdata=None, data={"term": term.term_a, "equivalent": term.term_b,
                                   "note": term.note})

    def done(saved):
        flash(_("“%(term)s” is saved.", term=saved.term_a), "success")
        return redirect(url_for("interpretation.glossary", code_a=pair[0], code_b=pair[1]))

    def show(status):
        return render_template("interpretation/glossary_term.html", term=term, form=form,
                               pair=pair, pair_label=_pair_label(pair)), status

    return submit_form(form, lambda: preparation.edit_term(
        term, form.term.data, form.equivalent.data, form.note.data or ""), done=done,
        show=show)


@bp.route("/interpretation/glossary-terms/<int:term_id>/remove", methods=["POST"])
@roles_required(*PREPARING)
def remove_term(term_id):
    term = _term_or_404(term_id)
    pair = term.pair
    if not EmptyForm().validate_on_submit():
        abort(400)
    preparation.remove_term(term)
    flash(_("“%(term)s” is removed from the glossary.", term=term.term_a), "success")
    return redirect(url_for("interpretation.glossary", code_a=pair[0], code_b=pair[1]))
