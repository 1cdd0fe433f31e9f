"""Memory habits of the platform's batch work (the score import, the results refresh)."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["no_cycle_collection"]


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch that makes hundreds of thousands of small
    tuples and lists, none in a cycle: the collector would walk every live object again and
    again as they pile up (a third of a big import's time, a quarter of a refresh's).
    Reference counting still frees everything; the collector runs again at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
