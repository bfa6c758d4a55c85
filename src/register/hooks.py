"""Extension points: apps above the register react to its changes without the
register importing them (the import arrow stays mentorship → register).

A hook runs inside the service's transaction, so its writes commit or roll back
with the change that caused them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callable[..., None]] = []

    def register(self, callback: Callable[..., None]) -> None:
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def fire(self, **kwargs: Any) -> None:
        for callback in self._callbacks:
            callback(**kwargs)


# on_status_change.fire(by=user, assignment=assignment, from_status=..., to_status=...)
on_status_change = Hook("assignment status change")
