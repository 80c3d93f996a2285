"""Summary reports of meetings (drafted from the agenda, checked against the Chatham House
Rule, published for anyone to read and print) and the platform's public timeline.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.reports import personal_data  # noqa: F401  (personal-data registry)
    from app.reports.views import bp

    app.register_blueprint(bp)
