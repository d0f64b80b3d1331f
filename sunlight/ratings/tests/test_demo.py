import datetime as dt

import time_machine

from sunlight.ratings import demo
from sunlight.ratings.models import Appeal, Rating
from sunlight.ratings.tests.factories import conclude
from sunlight.reports import demo as reports_demo
from sunlight.reports.models import Report
from sunlight.reports.tests.helpers import TemporaryMedia
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class DemoTests(TemporaryMedia, Personas):
    def test_it_loads_ratings_and_reports_through_the_actions(self) -> None:
        for _ in range(40):
            conclude(self)
        self.assertFalse(demo.is_loaded())
        with self.settings(VAR_DIR=self.media_root):
            demo.load()
            reports_demo.load()
            self.assertRegex(str(reports_demo.sample_receipt()), r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")
        self.assertTrue(demo.is_loaded())
        self.assertGreater(Rating.objects.count(), 10)
        self.assertLessEqual(Rating.objects.filter(round=2).count(), Rating.objects.bad().count())
        self.assertTrue(reports_demo.is_loaded())
        self.assertEqual(Report.objects.count(), len(reports_demo.REPORTS))
        self.assertGreaterEqual(Appeal.objects.count(), 0)
