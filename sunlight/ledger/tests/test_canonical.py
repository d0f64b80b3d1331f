"""The canonical encoding is the standard library's sorted, compact JSON, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlight.ledger import canonical

# What a leaf may hold once `plain` has been over it: text (any character but lone
# surrogates), 64-bit integers, booleans, null, lists and objects with text keys.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
_SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT
_PLAIN = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)


def _standard(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


class CanonicalTests(SimpleTestCase):
    @settings(max_examples=400, deadline=None)
    @given(_PLAIN)
    def test_it_writes_what_the_standard_librarys_sorted_compact_json_writes(self, value: Any) -> None:
        self.assertEqual(canonical.encoded(value), _standard(value).encode("utf-8"))
        self.assertEqual(canonical.dumps(value), _standard(canonical.plain(value)))

    def test_it_escapes_quotes_backslashes_and_control_characters_only(self) -> None:
        text = '"\\/\b\f\n\r\t\x00\x1f\x7f\u2028中😀'
        self.assertEqual(canonical.encoded(text).decode("utf-8"), _standard(text))
        self.assertEqual(canonical.encoded({"b": 1, "a": {"d": 2, "c": 3}}), b'{"a":{"c":3,"d":2},"b":1}')

    def test_it_refuses_what_is_not_plain_with_its_own_error(self) -> None:
        for value in (2**64, "\ud800", {1: 2}, dt.date(2026, 1, 1), object()):
            with self.subTest(value=repr(value)), self.assertRaises(canonical.NotCanonical):
                canonical.encoded(value)
        with self.assertRaises(canonical.NotCanonical):
            canonical.dumps({"share": 0.5})

    def test_it_makes_dates_and_long_text_plain_before_encoding(self) -> None:
        moment = dt.datetime(2026, 10, 8, 1, 2, 3, 456789, tzinfo=dt.UTC)
        self.assertEqual(
            canonical.dumps({"at": moment, "on": dt.date(2026, 10, 8), "note": "长" * 600}),
            _standard(
                {
                    "at": "2026-10-08T01:02:03.456789+00:00",
                    "on": "2026-10-08",
                    "note": canonical.digest("长" * 600),
                }
            ),
        )
