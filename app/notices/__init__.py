"""Notices: what happened that concerns a person, on their Notices page and by email.

A notice is a row (recipient, kind, parameters, link, read or not). Its text is written at
display or send time, in the recipient's language, from the kind's message in ``KINDS``:
features add their kinds there and call ``notify`` from their services (this package sits
just above auth, so every feature may call it), or answer a signal that does.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.core.templating import add_template_globals
    from app.notices import personal_data  # noqa: F401  (personal-data registry)
    from app.notices.services import unread_count_for_page
    from app.notices.views import bp

    app.register_blueprint(bp)
    add_template_globals(app, unread_notices=unread_count_for_page)
