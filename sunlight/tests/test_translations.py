"""The interface is complete in Chinese: every string in the code has a translation, compiled."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "sunlight/locale/zh_Hans/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def parse_po(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid (with context and plural joined as gettext does) → (first msgstr, fuzzy)."""
    entries: dict[str, tuple[str, bool]] = {}
    fields: dict[str, str] = {}
    fuzzy = False
    current = ""

    def flush() -> None:
        nonlocal fields, fuzzy
        if "msgid" in fields:
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = fields["msgctxt"] + "\x04" + key
            entries[key] = (fields.get("msgstr", fields.get("msgstr[0]", "")), fuzzy)
        fields, fuzzy = {}, False

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            fields[current] += eval(line)  # noqa: S307 - a PO string literal is a C string
        else:
            current, _, rest = line.partition(" ")
            fields[current] = eval(rest)  # noqa: S307
    return entries


def test_it_translates_every_message() -> None:
    entries = parse_po(PO)
    missing = [k for k, (v, _) in entries.items() if k and not v]
    fuzzy = [k for k, (_, f) in entries.items() if k and f]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_it_ships_the_compiled_catalogue_of_the_current_translations() -> None:
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, (msgstr, _) in parse_po(PO).items():
        if msgid:
            assert catalogue._catalog.get(msgid, catalogue._catalog.get((msgid, 0))) == msgstr, msgid  # type: ignore[attr-defined]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (make test installs it)")
def test_it_has_every_string_of_the_code_in_the_catalogue(tmp_path: Path) -> None:
    copy = tmp_path / "sunlight"
    shutil.copytree(
        ROOT / "sunlight", copy, ignore=shutil.ignore_patterns("__pycache__", "static", "tests", "locale")
    )
    # makemessages writes into ./locale when it exists, never into the checkout's catalogue.
    (copy / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "--locale",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = set(parse_po(copy / "locale/zh_Hans/LC_MESSAGES/django.po"))
    known = set(parse_po(PO))
    assert not fresh - known, f"run `make messages` and translate: {sorted(fresh - known)[:10]}"
