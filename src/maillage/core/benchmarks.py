"""What the benchmarks (`make bench-…`) share: one percentile, and the clock around each sample."""

import time
from collections.abc import Callable, Iterable
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted values (0.95: the p95), rounded to the nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def timings_ms(function: Callable[[Any], object], items: Iterable[Any]) -> list[float]:
    """Wall-clock milliseconds of `function(item)` for each item, in order."""
    out = []
    for item in items:
        began = time.perf_counter()
        function(item)
        out.append((time.perf_counter() - began) * 1000)
    return out
