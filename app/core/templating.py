"""What every template can use: the viewer's locale and zone, and time formatting."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache

from flask import Flask
from flask import has_request_context
from flask import request
from flask_babel import get_locale
from flask_login import current_user

from app.core import languages
from app.core import visibility
from app.core.i18n import LANGUAGE_NAMES
from app.core.i18n import country_name
from app.core.i18n import select_buddhist_era
from app.core.i18n import select_timezone
from app.core.registry import RegistryCollision
from app.core.time import fmt_datetime
from app.core.time import fmt_day
from app.core.time import fmt_interval
from app.core.time import fmt_time
from app.core.time import fmt_when
from app.core.time import fmt_year
from app.core.time import local_day_bounds
from app.core.time import now_utc
from app.core.time import zone_label
from app.core.time import zone_sort_key


def current_locale() -> str:
    """The locale dates, numbers and names are written in: "en_AU", "th"."""
    return str(get_locale() or "en")


def current_language() -> str:
    """The language the page is written in, one of LANGUAGES: what a choice is saved as."""
    locale = get_locale()
    return locale.language if locale else "en"


def viewer_buddhist_era() -> bool:
    """How the reader's choice of Buddhist Era years reaches every formatter of a page: the
    viewer_* helpers below pass it, as they pass the reader's zone and locale."""
    return select_buddhist_era()


def viewer_zone_label(zone_name: str, at=None) -> str:
    """A zone as this reader knows it: "Jakarta (Western Indonesia Time, UTC+7)" in their
    language, with the offset at ``at``: an instant, a local calendar day (its midday there:
    an event's first day), or now."""
    if isinstance(at, date) and not isinstance(at, datetime):
        at = local_day_bounds(at, zone_name)[0] + timedelta(hours=12)
    return zone_label(zone_name, current_locale(), at)


def viewer_datetime(instant, fmt="medium") -> str:
    return fmt_datetime(instant, select_timezone(), current_locale(), fmt, viewer_buddhist_era())


def viewer_when(instant) -> str:
    """'Tue, 22 Jun 2027, 14:00' in the reader's zone and language."""
    return fmt_when(instant, select_timezone(), current_locale(), viewer_buddhist_era())


def viewer_time(instant) -> str:
    return fmt_time(instant, select_timezone(), current_locale())


def viewer_day(day, fmt="medium") -> str:
    """A local calendar date (an event's day, a holiday) in the reader's language."""
    return fmt_day(day, current_locale(), fmt, viewer_buddhist_era())


def viewer_year(day) -> str:
    """A calendar date's year as the reader counts it ("2027", or "พ.ศ. 2570")."""
    return fmt_year(day, current_locale(), viewer_buddhist_era())


def viewer_dates(start, end, skeleton="yMMMd") -> str:
    """Two local calendar dates as one range in the reader's language ("21–22 Nov 2019")."""
    return fmt_interval(start, end, skeleton, current_locale(), viewer_buddhist_era())


def viewer_zone_choices(zones) -> list[tuple[str, str]]:
    """(IANA id, label in the reader's language) for ``zones``, west to east by the offset
    now, then by label: what every timezone select lists. Cheap: computed once per language,
    list and quarter hour in a process (clocks only change on a quarter hour), then read
    from memory."""
    now = now_utc()
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return _zone_choices(current_locale(), tuple(zones), quarter)


@lru_cache(maxsize=256)
def _zone_choices(locale: str, zones: tuple[str, ...], instant: datetime
                  ) -> list[tuple[str, str]]:
    labelled = [(zone, zone_label(zone, locale, instant)) for zone in zones]
    labelled.sort(key=lambda pair: zone_sort_key(pair[0], pair[1], instant))
    return labelled


def add_template_globals(app: Flask, **names) -> None:
    """Names a feature's templates call, and the hooks other features' pages call without
    importing it (``registration_panel`` on the event page). One namespace for every
    feature, so a name taken twice is refused at start-up instead of the last one winning."""
    taken = sorted(set(names) & set(app.jinja_env.globals))
    if taken:
        raise RegistryCollision(f"template globals registered twice: {', '.join(taken)}")
    app.jinja_env.globals.update(names)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["small_count"] = visibility.small_count
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    add_template_globals(
        app,
        # Who may see which person, and how counts of people show: asked on every page.
        visible_name=lambda person, context, opted_in=False: visibility.visible_name(
            current_user, person, context, opted_in=opted_in),
        shown_count=lambda n: visibility.shown_count(current_user, n),
        small_count_limit=visibility.SMALL_COUNT,
        country_label=lambda code: country_name(code, current_locale()),
        # Interpretation languages are a managed list (app.core.languages), with names for
        # those CLDR does not know (sign languages); other codes get CLDR's name.
        language_label=lambda code: languages.label(code, current_locale()),
        zone_label=viewer_zone_label,
    )

    @app.context_processor
    def viewer_context():
        return {
            "current_locale": current_locale(),
            "current_language": current_language(),
            "viewer_timezone": select_timezone(),
            "language_names": LANGUAGE_NAMES,
            "current_path": request.full_path.rstrip("?") if has_request_context() else "",
        }

    # The reader's zone, language and choice of era, for every date and time a page shows.
    app.jinja_env.filters.update(viewer_datetime=viewer_datetime, viewer_when=viewer_when,
                                 viewer_time=viewer_time, viewer_day=viewer_day,
                                 viewer_year=viewer_year,
                                 viewer_dates=viewer_dates)
