"""The day-list notation of the form: dates and ranges as administrators copy them from a notice."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.translation import override

from sunlight.calendars.forms import format_day_list, parse_day_list
from sunlight.calendars.tests.helpers import D, H, W


def test_it_reads_dates_and_ranges_in_the_usual_spellings() -> None:
    text = "2027-10-01..2027-10-03 国庆节\n2027/10/4 ~ 2027/10/5 国庆节；2027年10月6日至2027年10月7日 国庆节, 20270101 元旦"
    entries = parse_day_list(text, H)
    assert [e.date for e in entries] == [D(2027, 10, i) for i in range(1, 8)] + [D(2027, 1, 1)]
    assert {e.name for e in entries} == {"国庆节", "元旦"}
    assert {e.kind for e in entries} == {H}


def test_it_names_every_entry_it_cannot_read() -> None:
    with override("en"), pytest.raises(forms.ValidationError) as caught:
        parse_day_list("2027-02-30\nsoon\n2027-10-07..2027-10-01\n2027-01-01..2028-03-01", W)
    assert caught.value.messages == [
        "“2027-02-30” is not a valid date.",
        "“soon” is not a date or a range of dates (YYYY-MM-DD..YYYY-MM-DD).",
        "2027-10-01 is before 2027-10-07.",
        "2027-01-01 to 2028-03-01 is longer than a year.",
    ]


def test_it_writes_back_what_it_reads() -> None:
    text = "2027-01-01 元旦\n2027-10-01..2027-10-07 国庆节\n2027-10-09"
    assert format_day_list(parse_day_list(text, H)) == text
