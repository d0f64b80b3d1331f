"""Where the time goes: the product's functions under cProfile, by cumulative time."""

from __future__ import annotations

import pstats
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def print_profile(title: str, stats: pstats.Stats, top: int = 14) -> None:
    """The product's functions that take the most time, cumulative (profiled run: slower)."""
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in entries.values())
    rows = sorted(
        (
            (ct, nc, f"{Path(file).relative_to(ROOT)}:{line} {function}")
            for (file, line, function), (_cc, nc, _tt, ct, _callers) in entries.items()
            if file.startswith(str(ROOT / "sunlight"))
        ),
        reverse=True,
    )
    print(f"  profile of {title} (cumulative, {total:.1f} s under the profiler):")
    for ct, calls, where in rows[:top]:
        print(f"    {ct / total * 100:5.1f}%  {calls:>7,} calls  {where}")
