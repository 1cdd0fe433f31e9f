"""``Memo``: a pure function's values worked out once per distinct argument, for batch loops
whose arguments repeat (a campaign's review totals take a few hundred distinct values)."""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict, Generic[K, V]):
    """``memo[x]`` is ``function(x)``; the function runs on the first ``memo[x]`` of each distinct
    ``x`` only, so it must be pure. A lookup that hits costs one dictionary read."""

    def __init__(self, function: Callable[[K], V]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, key: K) -> V:
        value = self[key] = self.function(key)
        return value
