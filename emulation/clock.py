"""The platform's clock: naive UTC now, which tests can freeze.

Every rule that depends on time (windows, deadlines, throttling) asks ``clock.now()``
through ``models.utcnow``, so a test sets ``clock.frozen`` and the whole app sees
that moment.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager


class Clock:
    def __init__(self) -> None:
        self.frozen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        if self.frozen is not None:
            return self.frozen
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)

    @contextmanager
    def at(self, moment: dt.datetime) -> Iterator[None]:
        """Everything inside happens at ``moment`` (naive UTC); the clock is as before after it."""
        before, self.frozen = self.frozen, moment
        try:
            yield
        finally:
            self.frozen = before


clock = Clock()
