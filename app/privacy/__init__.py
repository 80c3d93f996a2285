"""Personal data: each person's "Your data" page (download, consent, asking for erasure),
the organisers' erasure of a person, the retention purge and the audit log.

What each feature holds is declared by the feature itself (its ``personal_data`` module,
registered in ``app.core.personal_data.HOLDINGS``); this package only asks the registry.
Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.privacy import personal_data  # noqa: F401  (its own table, in the registry)
    from app.privacy.views import bp

    app.register_blueprint(bp)
