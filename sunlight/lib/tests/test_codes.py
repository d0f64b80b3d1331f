from __future__ import annotations

import pytest

from sunlight.lib.codes import (
    USCC_CHARSET,
    is_valid_division_code,
    is_valid_org_code,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
)

# Published codes of well-known companies.
REAL_USCCS = (
    "91350100M000100Y43",  # GB 32100-2015's own example
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_it_accepts_real_codes(code: str) -> None:
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_it_computes_the_published_check_char(code: str) -> None:
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_it_rejects_any_single_changed_char(code: str) -> None:
    for position in range(18):
        for char in USCC_CHARSET:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1 :]
                assert not is_valid_uscc(changed), changed


def test_it_rejects_swapped_adjacent_chars() -> None:
    code = "91350100M000100Y43"
    swapped = code[:8] + code[9] + code[8] + code[10:]
    assert swapped != code
    assert not is_valid_uscc(swapped)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",  # too short
        "91350100M000100Y433",  # too long
        "91350100m000100y43",  # lower case
        "91350100M000100Y4I",  # I is not in the charset
        "9135010OM000100Y43",  # letter in the division
        " 91350100M000100Y43",
        "９1350100M000100Y43",  # full-width digit
    ],
)
def test_it_rejects_malformed_codes(code: str) -> None:
    assert not is_valid_uscc(code)


def test_it_rejects_a_bad_embedded_org_code_even_with_a_matching_final_char() -> None:
    first17 = "91350100M000100Y5"  # organisation code check char should be 4
    assert not is_valid_org_code(first17[8:])
    assert not is_valid_uscc(first17 + uscc_check_char(first17))


def test_it_computes_org_code_check_chars() -> None:
    assert org_code_check_char("M000100Y") == "4"
    assert org_code_check_char("19220382") == "1"
    assert org_code_check_char("71526726") == "X"


def test_it_builds_valid_codes() -> None:
    for registration in ("11", "12", "13", "51", "91"):
        for body in ("00606000", "MA4L1234", "44512345", "70740001"):
            code = make_uscc(registration, "430112", body)
            assert len(code) == 18
            assert code.startswith(registration + "430112" + body)
            assert is_valid_uscc(code), code


def test_it_rebuilds_a_real_code() -> None:
    assert make_uscc("91", "350100", "M000100Y") == "91350100M000100Y43"
    assert make_uscc("91", "440300", "71526726") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("registration", "division", "body"),
    [
        ("99", "430112", "00606000"),
        ("11", "43011", "00606000"),
        ("11", "990112", "00606000"),
        ("11", "430112", "0060600"),
        ("11", "430112", "0060600I"),
    ],
)
def test_it_refuses_to_build_from_bad_parts(registration: str, division: str, body: str) -> None:
    with pytest.raises(ValueError):
        make_uscc(registration, division, body)


def test_it_refuses_a_check_char_for_the_wrong_length() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Y")


@pytest.mark.parametrize("code", ["430000", "430100", "430112", "110101", "430112001000", "430112101000"])
def test_it_accepts_division_codes(code: str) -> None:
    assert is_valid_division_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "43011",
        "4301120",
        "990112",  # no such province
        "430012",  # county without prefecture
        "430112000000",  # no township
        "430112001001",  # village level
        "430100001000",  # township directly under a prefecture code
        "43011200100",
        "43O112",
        "４30112",
    ],
)
def test_it_rejects_bad_division_codes(code: str) -> None:
    assert not is_valid_division_code(code)
