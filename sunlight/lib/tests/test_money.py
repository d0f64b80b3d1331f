from decimal import Decimal

import pytest

from sunlight.lib.money import NotAnAmount, chinese_upper, format_yuan, from_decimal, parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("500000", 50_000_000),
        ("500,000.01", 50_000_001),
        ("¥1234.5", 123_450),
        ("0.01元", 1),
        ("-3.20", -320),
    ],
)
def test_it_parses_yuan_into_fen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["1.234", "12,34", "abc", "", "1e5", "0x10"])
def test_it_refuses_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_yuan(text)


def test_it_converts_decimals_exactly_or_not_at_all() -> None:
    assert from_decimal(Decimal("500000.01")) == 50_000_001
    with pytest.raises(NotAnAmount):
        from_decimal(Decimal("0.001"))


def test_it_formats_fen_as_yuan() -> None:
    assert format_yuan(12_345_678) == "123,456.78 元"
    assert format_yuan(-5, unit=False) == "-0.05"


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
        (100_000_000, "壹佰万元整"),
        (50_000_001, "伍拾万元零壹分"),
        (10_050_000, "壹拾万零伍佰元整"),
        (0, "零元整"),
        (1_000_001_00, "壹佰万零壹元整"),
        (30, "叁角"),
    ],
)
def test_it_writes_capital_numerals_as_on_vouchers(fen: int, words: str) -> None:
    assert chinese_upper(fen) == words
