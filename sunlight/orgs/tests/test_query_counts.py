"""Query-count guards: the staff pages of `orgs` read as many rows as they show in fixed queries.

Each page is rendered with a few rows and again with three times as many; the number of queries
must not change, so an N+1 query fails here.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.cases import actions as case_actions
from sunlight.cases.tests.factories import published, start
from sunlight.orgs import actions
from sunlight.orgs.demo_data import UNITS
from sunlight.orgs.models import PostKind
from sunlight.test import Personas, assign, make_person, make_post, make_unit

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class OrgsQueryCountTests(Personas):
    def people(self, count: int) -> list[User]:
        first = User.objects.count()
        return [make_person(f"extra{first + n}", f"测试{first + n}") for n in range(count)]

    def test_it_shows_the_workbench_in_the_same_queries_for_three_times_the_steps(self) -> None:
        definition = published()

        def add(count: int) -> None:
            for _ in range(count):
                start(self.as_actor(self.clerk), definition)
                # Each case also leaves a step done by the clerk ("Done by me").
                done, _code = start(self.as_actor(self.clerk), definition)
                case_actions.complete_step(
                    self.as_actor(self.clerk), done.steps.get(), values={"amount": 1, "copies": 1}
                )

        self.login(self.clerk)
        url = reverse("orgs:workbench")
        add(2)
        few = self.queries(url, 'name="step"', 2)
        add(4)
        self.assertEqual(self.queries(url, 'name="step"', 6), few)

    def test_it_lists_delegations_in_the_same_queries_for_three_times_as_many(self) -> None:
        def add(count: int) -> None:
            for person in self.people(count):
                assign(person, make_post(self.finance, PostKind.CLERK, f"CZJ-X{person.pk}"))
                actions.grant_delegation(
                    self.as_actor(self.head),
                    post=self.chief_post,
                    grantee=person,
                    starts_at=timezone.now(),
                    ends_at=timezone.now() + dt.timedelta(days=3),
                    reason="出差期间代行审核",
                )

        self.login(self.head)
        url = reverse("orgs:delegations")
        add(2)
        few = self.queries(url, "出差期间代行审核", 2)
        add(4)
        self.assertEqual(self.queries(url, "出差期间代行审核", 6), few)

    def test_it_shows_a_unit_to_its_monitor_in_the_same_queries_for_three_times_the_posts(self) -> None:
        def add(count: int) -> None:
            for person in self.people(count):
                post = make_post(self.finance, PostKind.CLERK, f"CZJ-Y{person.pk}", "综合窗口岗")
                assign(person, post)

        self.login(self.monitor)
        url = reverse("orgs:monitoring")
        add(2)
        few = self.queries(url, "综合窗口岗", 2)
        add(4)
        self.assertEqual(self.queries(url, "综合窗口岗", 6), few)

    def test_it_shows_an_organisation_to_administrators_in_the_same_queries_for_three_times_the_posts(
        self,
    ) -> None:
        def add(count: int) -> None:
            for person in self.people(count):
                assign(person, make_post(self.water, PostKind.CLERK, f"SWJ-Z{person.pk}", "综合窗口岗"))

        self.login(self.admin, verified=True)
        url = reverse("orgs:organisation", args=[self.water.pk])
        add(2)
        few = self.queries(url, "综合窗口岗", 2)
        add(4)
        self.assertEqual(self.queries(url, "综合窗口岗", 6), few)

    def test_it_lists_units_and_people_to_administrators_in_the_same_queries_for_three_times_as_many(
        self,
    ) -> None:
        names = iter(
            u.name for u in UNITS if u.name not in {"区财政局", "区水务局", "区纪委", "区电子政务办"}
        )
        self.login(self.admin, verified=True)

        def add(count: int) -> None:
            for person in self.people(count):
                unit = make_unit(next(names))
                assign(person, make_post(unit, PostKind.CLERK, f"{unit.abbr}-CK01"))

        add(2)
        units = self.queries(reverse("orgs:manage"), "<tr", 7)  # the header, four units, two more
        people = self.queries(reverse("orgs:people"), "<tr", 11)  # the header and ten people
        add(4)
        self.assertEqual(self.queries(reverse("orgs:manage"), "<tr", 11), units)
        self.assertEqual(self.queries(reverse("orgs:people"), "<tr", 15), people)
