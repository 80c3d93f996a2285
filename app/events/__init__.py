"""Events and their agendas: virtual, in-person and hybrid meetings and their sessions.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.core.templating import add_template_globals
    from app.events import personal_data  # noqa: F401  (personal-data registry)
    from app.events import visibility
    from app.events.views import bp

    app.register_blueprint(bp)
    add_template_globals(app, **visibility.template_globals())

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from app.events import pagecache

    for name, listener in (("after_flush", pagecache.note_touched_events),
                           ("before_commit", pagecache.touch_events),
                           ("after_rollback", pagecache.forget_touched_events)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
