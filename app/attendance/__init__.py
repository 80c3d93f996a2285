"""Attendance: who was there, session by session. Organisers check people in at an
in-person meeting from a phone, and import the attendance list a video platform exports for
an online session. What it records feeds the participation statistics and the summary report.

Importing a module of this package (its models, its services) loads no views: the app
factory calls ``init_app``, which registers the routes."""


def init_app(app) -> None:
    from app.attendance import personal_data  # noqa: F401  (personal-data registry)
    from app.attendance.views import bp

    app.register_blueprint(bp)
