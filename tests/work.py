"""Measuring how much work code does without a clock.

Wall-clock limits fail on a loaded machine and pass on a fast one; the number of function calls a piece of
code makes is the same on every machine and every run. A test of linearity compares the calls for an input
with those for the same input four times over: an algorithm that loops over what it has seen so far for each
new item makes sixteen times the calls, a linear one about four. (Copying inside one call, such as a
growing slice, is not counted: benchmarks/bench_hot_paths.py times those paths.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def calls_made(function: Callable[..., Any], *args: Any) -> int:
    """Python and built-in function calls made while ``function(*args)`` runs (in this thread)."""
    count = 0

    def profile(frame, event, arg) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        function(*args)
    finally:
        sys.setprofile(previous)
    return count


def growth(function: Callable[[Any], Any], small: Any, large: Any) -> float:
    """Calls for ``large`` over calls for ``small`` (each after one untimed warm-up call on ``small``)."""
    function(small)
    return calls_made(function, large) / calls_made(function, small)
