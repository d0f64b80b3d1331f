"""What a verification of the ledger found: its problems, and the first bad sequence number."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str
    # False when the problem is only known to lie somewhere in a window of leaves, from `seq` to
    # `last` (a signed root or a stored node that no longer matches), not at this exact number.
    exact: bool = True
    last: int | None = None


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        """The first leaf known bad, or the first that may be, whichever comes first."""
        exact = sorted(p.seq for p in self.problems if p.seq is not None and p.exact)
        windows = [(p.seq, p.last) for p in self.problems if p.seq is not None and not p.exact]
        # A window holding a leaf named exactly is explained by it (an edited leaf also breaks
        # its checkpoint's root). Each other window holds a bad leaf that nothing names exactly
        # (its content and recorded hash edited together, or the tree above rewritten too).
        unexplained = [
            (first, last)
            for first, last in windows
            if not any(first <= seq and (last is None or seq <= last) for seq in exact)
        ]
        candidates = exact[:1]
        if unexplained:
            # Blocks do not overlap, nor do checkpoint windows, and the leaves before a matching
            # signed root are intact: windows that all meet hold the first bad leaf where they
            # meet (block 0–15 and checkpoint window 5–9 give 5). Otherwise the earliest start.
            start = max(first for first, _last in unexplained)
            if all(last is None or last >= start for _first, last in unexplained):
                candidates.append(start)
            else:
                candidates.append(min(first for first, _last in unexplained))
        return min(candidates) if candidates else None

    def summary(self) -> str:
        if self.ok:
            return f"ledger verified: {self.size} leaves, {self.checkpoints} checkpoints"
        first = self.first_bad_seq
        where = f"first bad sequence number {first}" if first is not None else "no leaf named"
        return f"ledger verification FAILED ({where}): " + "; ".join(p.message for p in self.problems[:5])
