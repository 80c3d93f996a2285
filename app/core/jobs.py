"""Background work without cron: ``flask jobs`` runs every periodic task when it is due.

Features register their tasks in ``PERIODIC_TASKS`` (from the app factory), so this loop knows
none of them by name. Running the loop on several hosts at once is safe because each task
claims its own rows in the database (the outbox leases messages with ``SKIP LOCKED``, the
reminders insert a claim row per person and session): two loops share the work, never repeat
it. SIGTERM (systemd, Kubernetes, ``kill``) lets the running task finish, then the loop exits.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

import click
from flask import current_app

from app.extensions import db


@dataclass
class PeriodicTask:
    name: str
    run: Callable[[], object]
    every_config_key: str  # the setting that says how many seconds apart runs are
    next_due: float = field(default=0.0)


PERIODIC_TASKS: dict[str, PeriodicTask] = {}


def periodic(name: str, every_config_key: str, run: Callable[[], object]) -> None:
    """Add a task to the loop (its result, if any, is logged)."""
    PERIODIC_TASKS[name] = PeriodicTask(name, run, every_config_key)


def run_due_tasks(now: float, stopping: threading.Event) -> list[str]:
    """Run each task whose time has come; a failing task is logged and retried next time,
    and never stops the others."""
    ran = []
    for task in PERIODIC_TASKS.values():
        if stopping.is_set():
            break
        if task.next_due > now:
            continue
        task.next_due = now + current_app.config[task.every_config_key]
        try:
            result = task.run()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("job %s failed", task.name)
        else:
            current_app.logger.info("job %s: %s", task.name, result)
        finally:
            db.session.remove()
        ran.append(task.name)
    return ran


def run_loop(stopping: threading.Event, *, once: bool = False) -> None:
    for task in PERIODIC_TASKS.values():
        task.next_due = 0.0
    tick = current_app.config["JOBS_TICK_SECONDS"]
    while not stopping.is_set():
        run_due_tasks(time.monotonic(), stopping)
        if once:
            return
        stopping.wait(tick)


@click.command("jobs")
@click.option("--once", is_flag=True, help="Run every task once, then exit.")
def jobs_command(once: bool):
    """Run the periodic tasks (outbox, reminders, ...) until SIGTERM or Ctrl+C; safe on
    several hosts at once."""
    stopping = threading.Event()

    def stop(signum, _frame):
        current_app.logger.info("jobs: %s received, stopping after the current task",
                                signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    current_app.logger.info("jobs: running %s", ", ".join(PERIODIC_TASKS) or "nothing")
    run_loop(stopping, once=once)
    current_app.logger.info("jobs: stopped")
