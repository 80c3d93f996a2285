"""Accounts: sign-in, invitations, profiles and who may do what.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.auth import personal_data  # noqa: F401  (personal-data registry)
    from app.auth.views import bp

    app.register_blueprint(bp)
