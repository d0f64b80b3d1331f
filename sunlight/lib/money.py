"""Money as integer fen (分). Parsing and formatting only; no float ever touches an amount."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

Fen = int

_AMOUNT = re.compile(r"^\s*[¥￥]?\s*(-?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(元)?\s*$")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


class NotAnAmount(ValueError):
    pass


def parse_yuan(text: str) -> Fen:
    """'1,234.56', '¥1234.5', '500000元' → fen. Refuses more than two decimals and anything else."""
    match = _AMOUNT.match(text)
    if match is None:
        raise NotAnAmount(text)
    sign, whole, decimals, _ = match.groups()
    fen = int(whole.replace(",", "")) * 100 + int((decimals or "0").ljust(2, "0"))
    return -fen if sign else fen


def from_decimal(value: Decimal) -> Fen:
    """A Decimal amount in yuan (from a form or a spreadsheet) → fen, exactly or not at all."""
    try:
        fen = value * 100
    except InvalidOperation as exc:
        raise NotAnAmount(str(value)) from exc
    if fen != fen.to_integral_value():
        raise NotAnAmount(f"{value} has more than two decimals")
    return int(fen)


def format_yuan(fen: Fen, *, unit: bool = True) -> str:
    """12345678 → '123,456.78 元'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    text = f"{sign}{whole:,}.{cents:02d}"
    return f"{text} 元" if unit else text


def to_decimal(fen: Fen) -> Decimal:
    return Decimal(fen) / 100


def chinese_upper(fen: Fen) -> str:
    """The amount in capital numerals as written on vouchers: 1234.56 → 壹仟贰佰叁拾肆元伍角陆分."""
    if fen < 0:
        return "负" + chinese_upper(-fen)
    whole, cents = divmod(fen, 100)
    jiao, fen_part = divmod(cents, 10)
    words = _integer_upper(whole) + "元" if whole else ""
    if jiao == 0 and fen_part == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif whole:
        words += "零"
    if fen_part:
        words += _DIGITS[fen_part] + "分"
    return words


def _integer_upper(number: int) -> str:
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    out = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if need_zero or (out and group < 1000):
            out += "零"
        out += _group_upper(group) + _BIG_UNITS[index]
        need_zero = False
    return out


def _group_upper(group: int) -> str:
    digits = [int(d) for d in f"{group:04d}"]
    out = ""
    zero = False
    started = False
    for position, digit in enumerate(digits):
        unit = _SMALL_UNITS[3 - position]
        if digit == 0:
            zero = started
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + unit
        started = True
    return out
