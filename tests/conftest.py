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


def pytest_runtest_logreport(report):
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        match = re.search(r"[\[-](sqlite|postgresql)[\]-]", report.nodeid)
        if match:
            DATABASE_RESULTS[(match.group(1), report.outcome)] += 1


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
