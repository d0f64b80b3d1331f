"""Query-count guards: the inbox and the notices read their rows in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

from django.urls import reverse

from sunlight.notifications import actions
from sunlight.notifications.models import NotificationKind
from sunlight.test import Personas


class NotificationsQueryCountTests(Personas):
    def test_it_shows_the_inbox_in_the_same_queries_for_three_times_the_messages(self) -> None:
        def add(count: int) -> None:
            for n in range(count):
                actions.notify(
                    [self.clerk],
                    kind=NotificationKind.OTHER,
                    title=f"请及时办理{n}",
                    body="办件即将超期",
                    link="/",
                )

        self.login(self.clerk)
        url = reverse("notifications:inbox")
        add(2)
        few = self.queries(url, "办件即将超期", 2)
        add(4)
        self.assertEqual(self.queries(url, "办件即将超期", 6), few)

    def test_it_lists_notices_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            for n in range(count):
                actions.send_notice(
                    self.as_actor(self.inspector),
                    title=f"关于开展廉政风险排查的通知（{n}）",
                    body="请各单位于月底前完成排查。",
                    units=[self.finance, self.water],
                )

        self.login(self.inspector, verified=True)
        url = reverse("notifications:notices")
        add(2)
        few = self.queries(url, "关于开展廉政风险排查的通知", 2)
        add(4)
        self.assertEqual(self.queries(url, "关于开展廉政风险排查的通知", 6), few)
