"""gunicorn hooks that profile every worker of a benchmark run (``gunicorn -c`` this file).

Each worker, once the app is loaded, times every SQL statement it runs (wall time from send to
the last row, so a ``SELECT ... FOR UPDATE`` that waits for another worker's lock counts its
wait), runs cProfile over the requests, and on exit writes both to
``$ROUNDTABLE_PROFILE_DIR/worker-<pid>.{prof,json}``. ``bench/registration_rush.py
--profile`` reads them back and prints where a registration's time goes. Only for benchmarks:
cProfile roughly doubles the Python time of a request.
"""

import cProfile
import json
import os
import re
import time
from collections import defaultdict

_profile = cProfile.Profile()
_sql: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
_requests = [0, 0.0]


def _statement_kind(statement: str) -> str:
    """A short name for a statement: its verb, its table and the tables it joins, read at the
    top level (a subquery's tables are not the statement's), and FOR UPDATE when it locks."""
    flat = statement
    while (inner := _SUBQUERY.sub("", flat)) != flat:
        flat = inner
    words = flat.split()
    verb = words[0].upper() if words else "?"
    marker = {"INSERT": "INTO", "UPDATE": "UPDATE"}.get(verb, "FROM")
    table = words[words.index(marker) + 1] if marker in words[:-1] else ""
    joined = [words[n + 1] for n, word in enumerate(words[:-1]) if word == "JOIN"]
    if verb == "SELECT" and words[1:2] == ["count"]:
        verb = "SELECT count(*)"
    lock = " FOR UPDATE" if "FOR UPDATE" in flat or "FOR NO KEY UPDATE" in flat else ""
    return f"{verb} {' + '.join([table, *joined])}{lock}".strip()


_SUBQUERY = re.compile(r"\([^()]*\)")


def post_worker_init(worker):
    from sqlalchemy import event

    from app.extensions import db

    with worker.wsgi.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, _cursor, _statement, _parameters, _context, _many):
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, _cursor, statement, _parameters, _context, _many):
        entry = _sql[_statement_kind(statement)]
        entry[0] += 1
        entry[1] += time.perf_counter() - conn.info["bench_started"].pop()


def pre_request(worker, req):
    worker.bench_started = time.perf_counter()
    _profile.enable()


def post_request(worker, req, environ, resp):
    _profile.disable()
    _requests[0] += 1
    _requests[1] += time.perf_counter() - worker.bench_started


def worker_exit(server, worker):
    folder = os.environ["ROUNDTABLE_PROFILE_DIR"]
    _profile.dump_stats(os.path.join(folder, f"worker-{worker.pid}.prof"))
    with open(os.path.join(folder, f"worker-{worker.pid}.json"), "w") as file:
        json.dump({"requests": _requests[0], "seconds": _requests[1], "sql": _sql}, file)
