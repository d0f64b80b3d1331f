"""Reading the demo power list's notation (`demo_data.py`) into power specifications, and
citing an article the way Chinese legal texts do (第一百零五条)."""

from __future__ import annotations

from typing import NamedTuple

from sunlight.powers.demo_data import CATALOGUE, SUBDISTRICT_EXTRA, TOWN_EXTRA, TOWNSHIP_CATALOGUE
from sunlight.powers.demo_laws import PENALTIES


class PowerSpec(NamedTuple):
    type: str  # the code's type letters
    name: str
    law: str  # key of demo_laws.LAWS
    article: int
    entrusted_by: str = ""  # the entrusting body, for powers a township exercises on entrustment


_TEMPLATES = {"CF": "对{}的处罚", "JC": "对{}的监督检查"}


def parse(text: str) -> list[PowerSpec]:
    specs: list[PowerSpec] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@"):
            law, _, entrusting = (part.strip() for part in line[1:].partition(">"))
            start = 10 + sum(map(ord, law)) % 30
            specs.extend(
                PowerSpec("CF", f"对{b}的处罚", law, start + 2 * i, entrusting)
                for i, b in enumerate(PENALTIES[law])
            )
            continue
        head, basis = (part.strip() for part in line.split("|"))
        kind, name = head.split(maxsplit=1)
        law, article = basis.rsplit(maxsplit=1)
        if kind.endswith("*"):
            template = _TEMPLATES[kind[:-1]]
            specs.extend(
                PowerSpec(kind[:-1], template.format(x.strip()), law, int(article))
                for x in name.split("、")
                if x.strip()
            )
        else:
            specs.append(PowerSpec(kind, name, law, int(article)))
    # A list names each power once (a bank and an explicit line may meet).
    unique: dict[str, PowerSpec] = {}
    for spec in specs:
        unique.setdefault(spec.name, spec)
    return list(unique.values())


def catalogue_for(unit_name: str, unit_kind: str) -> list[PowerSpec]:
    if unit_kind in ("township", "subdistrict"):
        extra = TOWN_EXTRA if unit_kind == "township" else SUBDISTRICT_EXTRA
        return parse(TOWNSHIP_CATALOGUE + "\n" + extra)
    return parse(CATALOGUE.get(unit_name, "GG 政务咨询服务 | 信息公开条例 13"))


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 21 → 二十一, 105 → 一百零五 (how articles are cited: 第一百零五条)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    return head + (_DIGITS[rest // 10] + "十" + (_DIGITS[rest % 10] if rest % 10 else ""))


def article(n: int) -> str:
    return f"第{chinese_number(n)}条"
