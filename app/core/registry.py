"""Named contributions features plug into a lower layer, which then needs no import of them.

The events feature asks "which private meetings may this person see?" of every feature that
knows a part of the answer (registrations, interpretation) without importing them: each adds
its part to a ``Registry`` under a name. A second, different contribution under a taken name
is refused at import time, where two features silently overriding each other (a template
global registered twice, the last one winning) would otherwise go unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Generic
from typing import TypeVar

T = TypeVar("T")


class RegistryCollision(RuntimeError):
    """Two features registered different things under one name."""


class Registry(Generic[T]):
    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        """Register ``item`` as ``name``; registering the same item again changes nothing
        (an app created twice in one process imports each feature once)."""
        existing = self._items.get(name)
        if existing is not None and existing is not item:
            raise RegistryCollision(f"{self.what}: {name!r} is registered twice")
        self._items[name] = item
        return item

    def __call__(self, name: str) -> Callable[[T], T]:
        """As a decorator: ``@AUDIENCES("registered")``."""
        return lambda item: self.add(name, item)

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._items.items())

    def __iter__(self) -> Iterator[T]:
        return (item for _name, item in self.items())

    def __len__(self) -> int:
        return len(self._items)
