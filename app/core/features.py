"""How a feature package plugs into the app: it declares, in its ``__init__``, a ``Feature``
naming what it adds (its blueprint, its hook modules, its commands, its periodic jobs, its
session listeners), and the app factory calls ``plug_into`` on each declaration in turn.

Everything is named by its path inside the package ("notices:remind_unanswered"), not
imported, so that importing the package (for its models, say) loads none of it: views and
hooks are imported only when the app is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.jobs import periodic


@dataclass(frozen=True)
class Job:
    """A task for the ``flask jobs`` loop, run every ``every_config_key`` seconds."""

    name: str
    every_config_key: str
    run: str  # "module:function" inside the package


@dataclass(frozen=True)
class Feature:
    package: str  # the package's ``__name__``
    # Modules imported for what importing them adds: a part of a registry (personal data,
    # the calendar's items, the events' audiences) or more routes on the blueprint.
    hooks: tuple[str, ...] = ()
    blueprint: str = "views:bp"
    commands: tuple[str, ...] = ()  # "module:command" for each ``flask`` command
    jobs: tuple[Job, ...] = ()
    # (SQLAlchemy session event, "module:function"): listened to once per process, however
    # many apps are built.
    session_listeners: tuple[tuple[str, str], ...] = ()

    def plug_into(self, app: Flask) -> None:
        """The hooks first: routes they add to the blueprint must be there when it is
        registered."""
        for hook in self.hooks:
            import_module(f"{self.package}.{hook}")
        app.register_blueprint(self._named(self.blueprint))
        for command in self.commands:
            app.cli.add_command(self._named(command))
        for job in self.jobs:
            periodic(job.name, job.every_config_key, self._named(job.run))
        for event_name, path in self.session_listeners:
            listener = self._named(path)
            if not event.contains(Session, event_name, listener):
                event.listen(Session, event_name, listener)

    def _named(self, path: str):
        module, _, name = path.partition(":")
        return getattr(import_module(f"{self.package}.{module}"), name)
