"""Post-event surveys: organisers build them question by question, in four languages;
confirmed participants answer once, in their language; organisers read results without
names.

The standard feedback (app.feedback: a rating and two comments for the event and for each
session, a reflection organisers may quote) is the first kind of survey every past event
has. It keeps its own tables, on purpose, rather than being migrated into these:

* its reflections carry ``is_for_report`` and are read by the summary report
  (``app.feedback.services.reflections``); its per-session rows have a shape a built survey
  does not (a question per session of the agenda, as the agenda stands). Migrating them
  would rewrite data that other features read, for no gain to the people answering;
* nothing is at risk: no row is rewritten, no migration can lose a quote;
* both kinds keep the same promises, each with its own marker table: one answer per
  person per survey (a primary key), no timestamps on answers, no user on an anonymous
  answer.

``services.event_surveys`` is the common interface: an event's list of surveys, the
standard one first (answered at ``feedback.give``, read at ``feedback.summary``), then the
built ones (answered and read here).

Importing a module of this package loads no views: the app factory plugs in what
``FEATURE`` names.
"""

from app.core.features import Feature

FEATURE = Feature(__name__, hooks=("personal_data",))
