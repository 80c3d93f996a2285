"""Printouts: an event's agenda as PDF, and each registrant's programme as a page and a PDF.

Importing a module of this package (its services) loads no views: the app factory calls
``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.printing.views import bp

    app.register_blueprint(bp)
