"""Chinese organisation codes: unified social credit codes and administrative divisions.

Pure Python (no Django) so the seed, forms and importers can all share it.

* Unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters::

      9 1 350100 M000100Y4 3
      | | |      |         `- check character (GB 32100)
      | | |      `----------- organisation code, with its own check char (GB 11714)
      | | `------------------ administrative division of the registering authority
      | `-------------------- organisation type within that authority
      `---------------------- registering authority

* Administrative division code (行政区划代码, GB/T 2260): 6 digits down to county level
  (430112 = 长沙市望城区); the statistical code adds 3 digits for the township
  (乡镇街道) and 3 zeros, e.g. 430112001000.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

# GB 32100-2015 character set: digits and capital letters without I, O, S, V, Z.
USCC_CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE: Final = {char: value for value, char in enumerate(USCC_CHARSET)}
# Weight of position i (0-based) is 3**i mod 31.
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))

# GB 11714-1997 organisation code: 8 characters, then a check character.
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)

# Registering authority + organisation type (GB 32100-2015, annex A).
REGISTRATION_KINDS: Final[Mapping[str, str]] = {
    "11": "机关",
    "12": "事业单位",
    "13": "中央编办直接管理机构编制的群众团体",
    "19": "其他（机构编制）",
    "21": "外国常驻新闻机构",
    "29": "其他（外交）",
    "31": "律师执业机构",
    "32": "公证处",
    "33": "基层法律服务所",
    "34": "司法鉴定机构",
    "35": "仲裁委员会",
    "39": "其他（司法行政）",
    "41": "外国在华文化中心",
    "49": "其他（文化）",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "59": "其他（民政）",
    "61": "外国旅游部门常驻代表机构",
    "62": "港澳台地区旅游部门常驻内地（大陆）代表机构",
    "69": "其他（旅游）",
    "71": "宗教活动场所",
    "72": "宗教院校",
    "79": "其他（宗教）",
    "81": "基层工会",
    "89": "其他（工会）",
    "91": "企业",
    "92": "个体工商户",
    "93": "农民专业合作社",
    "A1": "军队事业单位",
    "A9": "其他（军队）",
    "N1": "组级集体经济组织",
    "N2": "村级集体经济组织",
    "N3": "乡镇级集体经济组织",
    "N9": "其他（农业）",
    "Y1": "其他",
}

# GB/T 2260 province-level codes (incl. Taiwan, Hong Kong and Macao).
_PROVINCES: Final = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"}
    | {"37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61"}
    | {"62", "63", "64", "65", "71", "81", "82"}
)


def _org_char_value(char: str) -> int:
    """GB 11714 value of a body character: 0-9 for digits, A=10 … Z=35."""
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise ValueError(f"invalid organisation code character {char!r}")


def org_code_check_char(body8: str) -> str:
    """The 9th (check) character of a GB 11714 organisation code ("0"-"9" or "X")."""
    if len(body8) != 8:
        raise ValueError(f"an organisation code body has 8 characters, got {body8!r}")
    total = sum(w * _org_char_value(c) for w, c in zip(_ORG_WEIGHTS, body8, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def is_valid_org_code(code: str) -> bool:
    """Whether a 9-character GB 11714 organisation code (without hyphen) is valid."""
    if len(code) != 9 or not all(c.isascii() and c.isalnum() and not c.islower() for c in code):
        return False
    return org_code_check_char(code[:8]) == code[8]


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code (GB 32100-2015)."""
    if len(first17) != 17:
        raise ValueError(f"expected the first 17 characters, got {first17!r}")
    try:
        total = sum(w * _USCC_VALUE[c] for w, c in zip(_USCC_WEIGHTS, first17, strict=True))
    except KeyError as exc:
        raise ValueError(f"invalid character {exc.args[0]!r} in {first17!r}") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Whether `code` is a well-formed unified social credit code.

    Checks the length, the character set, the division digits, the GB 32100 check
    character and the check character of the embedded GB 11714 organisation code.
    Letters must be capitals (normalise user input with `.strip().upper()` first).
    """
    if len(code) != 18 or any(c not in _USCC_VALUE for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    if not is_valid_org_code(code[8:17]):
        return False
    return uscc_check_char(code[:17]) == code[17]


def make_uscc(registration: str, division: str, org_code8: str) -> str:
    """Build a valid unified social credit code.

    `registration` is the 2-character authority + type, e.g. "11" 机关, "12" 事业单位,
    "13" 群众团体, "51" 社会团体, "91" 企业 (see REGISTRATION_KINDS); `division` the
    6-digit administrative division code; `org_code8` the 8-character organisation code
    body, whose GB 11714 check character and the final check character are computed.
    """
    if registration not in REGISTRATION_KINDS:
        raise ValueError(f"unknown registration kind {registration!r}")
    if len(division) != 6 or not is_valid_division_code(division):
        raise ValueError(f"invalid 6-digit division code {division!r}")
    if len(org_code8) != 8 or any(c not in _USCC_VALUE for c in org_code8):
        raise ValueError(f"invalid organisation code body {org_code8!r}")
    first17 = registration + division + org_code8 + org_code_check_char(org_code8)
    return first17 + uscc_check_char(first17)


def is_valid_division_code(code: str) -> bool:
    """Whether `code` is a plausible administrative division code.

    6 digits: a province (430000), prefecture (430100) or county (430112); a prefecture
    of "00" needs a county of "00". 12 digits: a county-level code, a township number
    001-999 and "000" (the village part of the statistical code is not accepted).
    """
    if not code.isascii() or not code.isdigit():
        return False
    if len(code) == 6:
        province, prefecture, county = code[:2], code[2:4], code[4:6]
        return province in _PROVINCES and not (prefecture == "00" and county != "00")
    if len(code) == 12:
        county_code, township, rest = code[:6], code[6:9], code[9:]
        return (
            is_valid_division_code(county_code)
            and county_code[4:6] != "00"
            and township != "000"
            and rest == "000"
        )
    return False
