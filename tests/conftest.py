"""Fixtures live in tests/fixtures/, a module for each thing they serve (the database and
app, people, events, mail, the browser); this file registers them and reports the database
tests per backend."""

from __future__ import annotations

import re
from collections import Counter

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.people",
    "tests.fixtures.events",
    "tests.fixtures.mail",
    "tests.fixtures.browser",
]

DATABASE_RESULTS: Counter = Counter()

# The suite runs in one process per core (pytest-xdist). The database fixture is a session
# fixture with two values: a process that went from SQLite tests to PostgreSQL ones and back
# would migrate both databases and start the live server again at every turn. So a unit of
# work is a module's tests on one database, the SQLite ones are handed out before the
# PostgreSQL ones (each process turns once), and within each the modules that run for minutes
# go first, then the browser journeys, so the processes finish together rather than one
# waiting for the axe crawl at the end (--no-loadscope-reorder keeps this order).
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/test_fuzz_posts.py",
    "tests/test_privacy_crawl.py",
    "tests/privacy/test_purge_command.py",
    "tests/core/test_outbox_races.py",
    "tests/test_form_contract.py",
)
DATABASE_PARAM = re.compile(r"[\[-](sqlite|postgresql)[\]-]")


def _database_of(nodeid: str) -> str:
    match = DATABASE_PARAM.search(nodeid)
    return match.group(1) if match else ""


def pytest_collection_modifyitems(items):
    def weight(item) -> tuple[int, int, int]:
        path = item.nodeid.split("::", 1)[0]
        on_postgresql = _database_of(item.nodeid) == "postgresql"
        if path in LONGEST_FIRST:
            return on_postgresql, 0, LONGEST_FIRST.index(path)
        return on_postgresql, (1 if path.startswith("tests/browser/") else 2), 0

    items.sort(key=weight)  # stable: a module's tests keep their order


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ModuleAndDatabase(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return f"{nodeid.split('::', 1)[0]} {_database_of(nodeid)}"

    return ModuleAndDatabase(config, log)


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        database = _database_of(report.nodeid)
        if database:
            DATABASE_RESULTS[(database, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter):
    if not DATABASE_RESULTS:
        return
    terminalreporter.section("database tests per backend")
    for name in ("sqlite", "postgresql"):
        counts = {outcome: DATABASE_RESULTS[(name, outcome)]
                  for outcome in ("passed", "failed", "skipped")}
        terminalreporter.write_line(
            f"{name}: {counts['passed']} passed, {counts['failed']} failed, "
            f"{counts['skipped']} skipped")
