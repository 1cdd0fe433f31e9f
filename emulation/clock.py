"""The platform's clock: naive UTC now, which tests can freeze.

Every rule that depends on time (windows, deadlines, throttling) asks ``clock.now()``
through ``models.utcnow``, so a test sets ``clock.frozen`` and the whole app sees
that moment.
"""
from __future__ import annotations

import datetime as dt


class Clock:
    def __init__(self) -> None:
        self.frozen: dt.datetime | None = None

    def now(self) -> dt.datetime:
        if self.frozen is not None:
            return self.frozen
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


clock = Clock()
