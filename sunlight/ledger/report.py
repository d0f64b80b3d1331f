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
        exact = [p.seq for p in self.problems if p.seq is not None and p.exact]
        if exact:
            return min(exact)
        windows = [(p.seq, p.last) for p in self.problems if p.seq is not None]
        if not windows:
            return None
        # Each bad leaf lies in its block's window and in its checkpoints' window; blocks do not
        # overlap, nor do checkpoint windows, so windows that all meet hold the first bad leaf
        # where they meet (an edit of a leaf and its recorded hash: block 0–15 and checkpoint
        # window 5–9 give 5). Windows that do not all meet: the earliest start.
        start = max(first for first, _last in windows)
        if all(last is not None and last >= start for _first, last in windows):
            return start
        return min(first for first, _last in windows)

    def summary(self) -> str:
        if self.ok:
            return f"ledger verified: {self.size} leaves, {self.checkpoints} checkpoints"
        first = self.first_bad_seq
        where = f"first bad sequence number {first}" if first is not None else "no leaf named"
        return f"ledger verification FAILED ({where}): " + "; ".join(p.message for p in self.problems[:5])
