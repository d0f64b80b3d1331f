from __future__ import annotations

import datetime as dt

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from sunlight.lib.moments import local_date


class LocalDateTests(SimpleTestCase):
    def test_it_gives_the_districts_date_as_localdate_does(self) -> None:
        # 00:30 on 1 October in Beijing is still 30 September in UTC.
        moment = dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)
        self.assertEqual(local_date(moment), dt.date(2026, 10, 1))
        self.assertEqual(local_date(moment), timezone.localdate(moment))
        self.assertEqual(local_date(moment - dt.timedelta(minutes=31)), dt.date(2026, 9, 30))

    @override_settings(TIME_ZONE="UTC")
    def test_it_follows_the_configured_zone(self) -> None:
        self.assertEqual(local_date(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)), dt.date(2026, 9, 30))

    def test_it_refuses_a_moment_without_a_zone(self) -> None:
        with self.assertRaises(ValueError):
            local_date(dt.datetime(2026, 9, 30, 16, 30))
