"""Configuration classes, all read from the environment so one image runs everywhere."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def database_url(raw: str | None) -> str | None:
    """Point plain ``postgres://`` URLs (as hosting providers hand them out) at psycopg 3."""
    if not raw:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means "a SQLite file under instance/", resolved by create_app once the path is known.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    # Ping before every checkout: after a database restart or failover every pooled connection
    # is dead, and without the ping each worker would fail one request per stale connection.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_recycle": 1800}

    LANGUAGES = ("en", "id", "ms", "th")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: long forms must not expire
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    # Where people reach the app. Every absolute link (emails, calendar items, feed and
    # invitation links) is built from it, never from a request's Host header, which anyone
    # can forge. Required in production.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    # How many reverse proxies stand in front of the app. Their X-Forwarded-For/-Proto headers
    # are believed for exactly that many hops; with 0 they are ignored (anyone can send them).
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    # "text" for people reading a terminal, "json" (one object per line) for log collectors.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # `flask jobs`: how often the loop wakes to run the periodic tasks that are due.
    JOBS_TICK_SECONDS = env_int("JOBS_TICK_SECONDS", 15)
    OUTBOX_EVERY_SECONDS = env_int("OUTBOX_EVERY_SECONDS", 30)
    REMINDERS_EVERY_SECONDS = env_int("REMINDERS_EVERY_SECONDS", 600)
    POLL_REMINDERS_EVERY_SECONDS = env_int("POLL_REMINDERS_EVERY_SECONDS", 600)
    # An invitee who has answered none of an open poll's slots is reminded once, this long
    # after the poll opened.
    POLL_REMINDER_HOURS = env_int("POLL_REMINDER_HOURS", 48)
    INVITATION_TTL_HOURS = env_int("INVITATION_TTL_HOURS", 72)
    # Password reset by email: how long a link works, and how many links may be asked for
    # per hour for one email address and from one client address (app/auth/services.py).
    PASSWORD_RESET_TTL_MINUTES = env_int("PASSWORD_RESET_TTL_MINUTES", 60)
    PASSWORD_RESET_MAX_PER_EMAIL = env_int("PASSWORD_RESET_MAX_PER_EMAIL", 3)
    PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 20)
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 10)
    LOGIN_WINDOW_MINUTES = env_int("LOGIN_WINDOW_MINUTES", 15)
    # The slower limits of the sign-in throttle (app/auth/services.py authenticate): one
    # account from everywhere, and one address over all accounts; a browser or address that
    # signed in to the account before is held only to the per-source limit above.
    LOGIN_ACCOUNT_MAX_FAILURES = env_int("LOGIN_ACCOUNT_MAX_FAILURES", 20)
    LOGIN_ACCOUNT_WINDOW_MINUTES = env_int("LOGIN_ACCOUNT_WINDOW_MINUTES", 60)
    LOGIN_ADDRESS_MAX_FAILURES = env_int("LOGIN_ADDRESS_MAX_FAILURES", 50)
    LOGIN_TRUSTED_DAYS = env_int("LOGIN_TRUSTED_DAYS", 90)

    # The resource library: the largest upload, and where files live (None: instance/library).
    LIBRARY_MAX_BYTES = env_int("LIBRARY_MAX_BYTES", 20 * 1024 * 1024)
    LIBRARY_DIR = os.environ.get("LIBRARY_DIR") or None
    # Any larger request is refused (413) before it is read; the form fields need a little room.
    MAX_CONTENT_LENGTH = LIBRARY_MAX_BYTES + 1024 * 1024

    # Working hours used by the timezone strips unless a country overrides them.
    WORKDAY_START_HOUR = 8
    WORKDAY_END_HOUR = 18

    # Interpretation staffing. Team size by session length: (up to minutes, interpreters);
    # a two-way (retour) or relay-giving booth needs one more. From 41 minutes to 4 hours this
    # gives 2 per booth and 3 per two-way booth: AIIC Professional Standards, Article 6 (team
    # strength); see app/interpretation/rules.py team_size, whose test checks it.
    INTERPRETATION_TEAM_SIZES = ((40, 1), (240, 2), (360, 3), (480, 4))
    INTERPRETATION_EXTRA_FOR_RETOUR_OR_RELAY = 1
    INTERPRETATION_TURN_MINUTES_ON_SITE = 30
    INTERPRETATION_TURN_MINUTES_REMOTE = 20
    INTERPRETATION_RSI_DAILY_MINUTES = env_int("INTERPRETATION_RSI_DAILY_MINUTES", 180)
    INTERPRETATION_ON_SITE_ENGAGEMENTS_PER_DAY = 1
    INTERPRETATION_TRAVEL_MINUTES = env_int("INTERPRETATION_TRAVEL_MINUTES", 60)
    INTERPRETATION_PIVOT_LANGUAGE = os.environ.get("INTERPRETATION_PIVOT_LANGUAGE", "en")
    INTERPRETATION_MIN_RELAY_GIVERS = 2
    # Auto-assign explores at most this many team choices before keeping its best plan.
    INTERPRETATION_SEARCH_BUDGET = env_int("INTERPRETATION_SEARCH_BUDGET", 2000)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "roundtable@localhost")
    # The ORGANIZER of every calendar item: a mailbox the organisers read (calendar clients
    # show it and send declines there). Falls back to MAIL_DEFAULT_SENDER.
    ORGANISER_EMAIL = os.environ.get("ORGANISER_EMAIL", "")
    # Visa invitation letters: who signs them and whom an embassy may contact, for every
    # event whose planning page names nobody else. The contact email falls back to
    # ORGANISER_EMAIL. A letter missing any of them is refused, saying what is missing.
    VISA_LETTER_SIGNATORY_NAME = os.environ.get("VISA_LETTER_SIGNATORY_NAME", "")
    VISA_LETTER_SIGNATORY_TITLE = os.environ.get("VISA_LETTER_SIGNATORY_TITLE", "")
    VISA_LETTER_SIGNATORY_ORGANISATION = os.environ.get("VISA_LETTER_SIGNATORY_ORGANISATION", "")
    VISA_LETTER_CONTACT_NAME = os.environ.get("VISA_LETTER_CONTACT_NAME", "")
    VISA_LETTER_CONTACT_EMAIL = os.environ.get("VISA_LETTER_CONTACT_EMAIL", "")
    VISA_LETTER_CONTACT_PHONE = os.environ.get("VISA_LETTER_CONTACT_PHONE", "")
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 10)
    OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
    # How long a sender may hold one message before another sender may take it: far longer
    # than SMTP can take for one message (MAIL_TIMEOUT_SECONDS per exchange).
    OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 120)

    # Personal data kept only for a while (app/core/personal_data.py; stated on /privacy):
    # travel, passport details, nationality, dietary and access needs and rooming, this many
    # days after the event they were given for ends; sent email, this many days after
    # sending; an address an account signed in from, LOGIN_TRUSTED_DAYS after its last use.
    PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 90)
    OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 30)
    # `flask jobs` runs the retention purge this often (`flask purge-personal-data` by hand).
    PERSONAL_DATA_PURGE_EVERY_SECONDS = env_int("PERSONAL_DATA_PURGE_EVERY_SECONDS", 6 * 3600)
    CALENDAR_CACHE_PRUNE_EVERY_SECONDS = env_int("CALENDAR_CACHE_PRUNE_EVERY_SECONDS", 6 * 3600)

    # Production refuses to start unless these are set properly (see app.core.service).
    PRODUCTION_CHECKS = False
    HSTS = False


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 (refused in production)
MIN_SECRET_KEY_LENGTH = 32


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or DEVELOPMENT_SECRET_KEY
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) or "sqlite://"
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "smtp"
    SERVER_NAME = None
    LOG_LEVEL = "WARNING"  # a line per request would bury a failing test's own output


class ProductionConfig(Config):
    PRODUCTION_CHECKS = True
    PUBLIC_URL = os.environ.get("PUBLIC_URL")  # no default: links must point at the real site
    HSTS = True
    MAIL_BACKEND = "smtp"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS[os.environ.get("ROUNDTABLE_ENV", "development")]
