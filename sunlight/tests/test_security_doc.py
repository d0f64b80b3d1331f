"""docs/security.md names a test for every control: each named file and test must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sunlight"
REFERENCE = re.compile(r"`((?:\w+/)*tests/[\w/]*?(?:\.py)?)(?:::(\w+))?`")
FOLLOWER = re.compile(r"`(test_\w+|\w+Tests)`")


def test_it_points_every_control_to_a_test_that_exists() -> None:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    rows = [row for row in rows if not row.startswith("| control")]
    assert len(rows) >= 30
    problems = []
    for row in rows:
        control, tests = row.strip("| ").rsplit(" | ", 1)
        if "tests/" not in tests and "make reliability" not in tests and "pip-audit" not in tests:
            problems.append(f"no test named for: {control}")
            continue
        last_file: Path | None = None
        for match in REFERENCE.finditer(tests):
            path = PACKAGE / match.group(1)
            if not path.exists():
                problems.append(f"missing {match.group(1)}")
                continue
            last_file = path
            if match.group(2) and not _defines(path, match.group(2)):
                problems.append(f"{match.group(1)} has no {match.group(2)}")
        # Names after the first (`, test_it_…`) belong to the file named before them.
        for name in FOLLOWER.findall(tests.split("::", 1)[-1] if "::" in tests else ""):
            if last_file is not None and not _defines(last_file, name):
                problems.append(f"{last_file.relative_to(PACKAGE)} has no {name}")
    assert not problems, problems


def _defines(path: Path, name: str) -> bool:
    files = [path] if path.is_file() else list(path.glob("test_*.py"))
    return any(re.search(rf"\b(def|class) {name}\b", f.read_text(encoding="utf-8")) for f in files)
