"""Events and their agendas: virtual, in-person and hybrid meetings and their sessions.

Importing a module of this package (its models, its services) loads no views: the app
factory plugs in what ``FEATURE`` names."""

from app.core.features import Feature

FEATURE = Feature(
    __name__,
    hooks=("personal_data",),
    # The public pages' cache learns which events a transaction touched, and forgets them
    # when it rolls back.
    session_listeners=(("after_flush", "pagecache:note_touched_events"),
                       ("before_commit", "pagecache:touch_events"),
                       ("after_rollback", "pagecache:forget_touched_events")),
)
