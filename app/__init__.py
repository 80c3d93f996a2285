"""Roundtable: logistics for closed-door, multilingual peer-learning meetings."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask import request
from flask_babel import lazy_gettext as _l

from app.core.access import require_declared_rules
from app.core.compression import init_compression
from app.core.db import begin_read_only_request
from app.core.db import begin_write_transaction
from app.core.db import configure_engine
from app.core.db import finish_unit_of_work
from app.core.hardening import init_hardening
from app.core.i18n import select_locale
from app.core.i18n import select_timezone
from app.core.service import init_service
from app.core.service import refuse_bad_production_config
from app.extensions import babel
from app.extensions import csrf
from app.extensions import db
from app.extensions import login_manager
from app.extensions import migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config_class=None) -> Flask:
    from config import config_from_env

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class or config_from_env())
    refuse_bad_production_config(app)
    init_service(app)  # first, so every later before_request (CSRF too) has a request id
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "roundtable.db"
        )

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    init_compression(app)  # after CSRF: pages carry its token masked
    init_hardening(app)  # before the blueprints: their <int:...> rules take its converter
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    with app.app_context():
        configure_engine(db.engine)
        engine = db.engine

    @app.before_request
    def writers_take_the_lock_first():
        # On SQLite a POST that reads and then writes must hold the write lock from its first
        # read, or a concurrent writer makes it fail instead of wait.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            begin_write_transaction()
        else:
            begin_read_only_request()

    app.after_request(finish_unit_of_work)
    plug_in_features(app)
    from app.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)  # the demo seeds every feature, and is none of them
    from app.core.templating import init_templating

    init_templating(app)
    require_declared_rules(app)
    from app.calendar.fastpath import ConditionalFeed
    from app.calendar.fastpath import engine_lookup

    app.wsgi_app = ConditionalFeed(app.wsgi_app, engine_lookup(engine))
    return app


def plug_in_features(app: Flask) -> None:
    """Each feature plugs in what its ``FEATURE`` declares, in this order: the order in which
    blueprints look for a template, and the periodic jobs run."""
    from app import attendance
    from app import auth
    from app import bilaterals
    from app import calendar
    from app import core
    from app import delegations
    from app import events
    from app import feedback
    from app import holidays
    from app import interpretation
    from app import library
    from app import notices
    from app import planning
    from app import printing
    from app import privacy
    from app import programme
    from app import registrations
    from app import reports
    from app import statistics
    from app import surveys
    from app import topics
    from app import workinggroups

    for feature in (core, auth, notices, events, holidays, registrations, calendar, interpretation,
                    planning, bilaterals, workinggroups, topics, feedback, attendance, library,
                    printing, privacy, delegations, programme, reports, statistics, surveys):
        feature.FEATURE.plug_into(app)
