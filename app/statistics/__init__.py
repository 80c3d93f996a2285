"""Statistics: participation across the years, by country, kind of organisation, way of
attending, first-time or returning, and sessions attended; pages with charts drawn on the
server and CSV downloads, for organisers. Counts only: no page of it names a person.

Importing a module of this package (its services) loads no views: the app factory calls
``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.statistics.views import bp

    app.register_blueprint(bp)
