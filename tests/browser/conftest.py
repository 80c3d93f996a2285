"""Fixtures of the browser journeys (tests/browser/test_journey_*.py), beside
tests/fixtures/browser.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

# Playwright's reads that answer at once, without waiting for what they read.
READS_AT_ONCE = {"Locator": ("count", "all", "all_inner_texts", "evaluate_all", "is_visible",
                             "is_hidden"),
                 "Page": ("content",)}


@pytest.fixture(scope="session", autouse=True)
def reads_see_the_loaded_page():
    """A click that opens a page returns once the next document is committed, before it is
    parsed, and the reads above then see half of it: a count of 0, a name "not in" a page
    that has no body yet. A person reads a page once it is there, so in these journeys each
    of those reads waits for the page's load event first (at once when it has loaded)."""
    from playwright import sync_api

    def after_load(read, page_of):
        def wait_then_read(self, *args, **kwargs):
            page_of(self).wait_for_load_state()
            return read(self, *args, **kwargs)

        return wait_then_read

    with pytest.MonkeyPatch.context() as patch:
        for class_name, reads in READS_AT_ONCE.items():
            cls = getattr(sync_api, class_name)
            page_of = (lambda locator: locator.page) if class_name == "Locator" else (
                lambda page: page)
            for name in reads:
                patch.setattr(cls, name, after_load(getattr(cls, name), page_of))
        yield


@pytest.fixture(scope="session")
def live_engine(live_server, database, tmp_path_factory):
    """An engine on the live server's own database, to read what it wrote (the emails it
    queued): the database ``live_server`` made beside the tests' one (tests.live)."""
    kind, url = database
    if kind == "sqlite":
        found = sorted(tmp_path_factory.getbasetemp().glob("live*/live.db"),
                       key=lambda path: path.stat().st_mtime)
        assert found, "the live server's SQLite database was not found"
        live_url = f"sqlite:///{found[-1]}"
    else:
        base = sa.engine.make_url(url)
        live_url = base.set(database=f"{base.database}_live")
    engine = sa.create_engine(live_url)
    yield engine
    engine.dispose()


@pytest.fixture
def new_page(browser):
    """A fresh browser (its own cookies) per person in a journey, closed at the end."""
    contexts = []

    def make(locale: str = "en-GB", **options):
        context = browser.new_context(locale=locale, **options)
        context.set_default_timeout(10_000)  # a missing control fails fast, not in 30 s
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def signed_in_states():
    """Cookies of a browser that signed in through the form, per (server, email): a journey
    signs each person in once, then opens their pages in fresh browsers holding those cookies
    (a demo password hash costs a second on every sign-in)."""
    return {}


@pytest.fixture
def person(live_server, new_page, signed_in_states):
    """``person(email, language="English", **browser options)``: a page of a fresh browser,
    signed in as ``email`` and reading ``language`` (saved with the account: another test
    may have left it in another one)."""
    from tests.browser.journeys import signed_in

    def open_as(email: str, language: str = "English", **options):
        state = signed_in_states.get((live_server, email))
        if state is None:
            page = signed_in(new_page(**options), live_server, email, language)
            signed_in_states[(live_server, email)] = page.context.storage_state()
            return page
        page = new_page(storage_state=state, **options)
        page.goto(f"{live_server}/")
        if page.locator("header a[href='/login']").count():  # that session has ended
            del signed_in_states[(live_server, email)]
            return open_as(email, language, **options)
        page.get_by_role("button", name=language).click()
        return page

    return open_as
