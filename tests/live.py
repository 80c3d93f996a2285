"""A real server for browser and concurrency tests: gunicorn on loopback over a fresh database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def fresh_database(kind: str, base_url: str, tmp_dir: Path, name: str) -> str:
    """An empty database of the given kind, separate from the transactional tests' one."""
    if kind == "sqlite":
        path = tmp_dir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = sa.engine.make_url(base_url)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    database = f"{url.database}_{name}"
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def server_env(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(ROUNDTABLE_ENV="development", DATABASE_URL=database_url,
               SECRET_KEY="live-test-secret", FLASK_APP="wsgi", MAIL_BACKEND="console",
               PYTHONPATH=str(ROOT), **extra)
    return env


def flask_command(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def gunicorn(env: dict, port: int, workers: int = 2):
    log = open(ROOT / "instance" / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start; see instance/gunicorn-*.log") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
