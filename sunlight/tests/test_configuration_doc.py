"""docs/configuration.md lists every environment variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# envstr("NAME", …), envint("NAME"…), env("NAME"…), and the apps' conf modules' "NAME" constants.
READ = re.compile(r"\benv[a-z_]*\(\s*\"([A-Z][A-Z0-9_]+)\"")
CONF_NAME = re.compile(r"\"([A-Z][A-Z0-9]+_[A-Z0-9_]+)\"")
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_it_documents_every_variable_the_code_reads() -> None:
    names: set[str] = set()
    for path in (ROOT / "sunlight").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names |= set(READ.findall(text))
        if path.name == "conf.py":
            names |= set(CONF_NAME.findall(text))
    names -= NOT_SETTINGS
    assert len(names) > 40
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert not missing, f"add to docs/configuration.md: {missing}"
