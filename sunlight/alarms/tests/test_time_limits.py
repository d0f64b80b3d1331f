"""Yellow cards before a due date, red cards after it: once each, and nothing for suspended cases.

2026-11-02 is a Monday; a limit of 5 working days falls due on Monday 2026-11-09. With the
default warning of 1 working day the yellow card comes on Friday 11-06, the red one on 11-10.
"""

from __future__ import annotations

from django.test import override_settings

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState
from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at, make_township, one_step, township_process
from sunlight.cases import actions
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import Organisation
from sunlight.test import Personas


class TimeLimitTests(Personas):
    township: Organisation
    township_clerk: User

    def test_it_raises_one_yellow_then_one_red_for_a_case(self) -> None:
        definition = one_step(5)
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), definition)
        self.assertEqual(str(case.due_date), "2026-11-09")
        counted = []
        for day in (
            "2026-11-02",
            "2026-11-05",
            "2026-11-06",
            "2026-11-06",
            "2026-11-09",
            "2026-11-10",
            "2026-11-11",
        ):
            with at(day):
                counted.append(sweep())
        self.assertEqual(counted, [0, 0, 1, 0, 0, 1, 0])
        alarms = list(
            Alarm.objects.order_by("raised_at").values_list("kind", "level", "unit_id", "dedupe_key")
        )
        self.assertEqual(
            alarms,
            [
                (AlarmKind.CASE_DUE_SOON, AlarmLevel.YELLOW, self.finance.pk, f"case-yellow:{case.pk}"),
                (AlarmKind.CASE_OVERDUE, AlarmLevel.RED, self.finance.pk, f"case-red:{case.pk}"),
            ],
        )
        red = Alarm.objects.get(level=AlarmLevel.RED)
        self.assertEqual((red.subject_type, red.subject_id), ("cases.case", str(case.pk)))
        self.assertIn(case.number, red.message)
        # The unit explains within 3 working days: Tuesday 11-10 → Friday 11-13.
        self.assertEqual(str(red.stage_due), "2026-11-13")
        self.assertIsNone(Alarm.objects.get(level=AlarmLevel.YELLOW).stage_due)
        leaves = Leaf.objects.filter(action="alarms.raise").order_by("seq")
        self.assertEqual(
            [leaf.object_id for leaf in leaves], [str(a.pk) for a in Alarm.objects.order_by("pk")]
        )

    @override_settings(ALARMS_WARNING_WORKDAYS=3)
    def test_it_warns_as_many_working_days_ahead_as_configured(self) -> None:
        definition = one_step(5)
        with at("2026-11-02"):
            start(self.as_actor(self.clerk), definition)
        with at("2026-11-03"):
            self.assertEqual(sweep(), 0)
        with at("2026-11-04"):  # Wednesday + 3 working days = Monday 11-09
            self.assertEqual(sweep(), 1)

    def test_it_raises_a_step_card_when_the_step_is_late_but_the_case_is_not(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            self.assertEqual(sweep(), 1)  # the window step is due tomorrow
        accept = case.steps.get(node_id="accept")
        with at("2026-11-04"):
            self.assertEqual(sweep(), 1)
            self.assertEqual(sweep(), 0)
        kinds = list(
            Alarm.objects.order_by("pk").values_list("kind", "subject_type", "subject_id", "unit_id")
        )
        self.assertEqual(
            kinds,
            [
                (AlarmKind.STEP_DUE_SOON, "cases.step", str(accept.pk), self.finance.pk),
                (AlarmKind.STEP_OVERDUE, "cases.step", str(accept.pk), self.finance.pk),
            ],
        )

    def test_it_raises_nothing_for_a_suspended_case(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            actions.suspend_case(
                self.as_actor(self.clerk),
                case,
                kind_code="expert_review",
                reason="专家评审",
                notice="暂停计时",
            )
        with at("2026-12-01"):
            self.assertEqual(sweep(), 0)
        self.assertFalse(Alarm.objects.exists())

    def test_it_raises_nothing_for_work_done_in_time(self) -> None:
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.clerk), published())
            actions.complete_step(
                self.as_actor(self.clerk),
                case.steps.get(node_id="accept"),
                values={"amount": 100, "copies": 1},
            )
        with at("2026-11-03"):
            self.assertEqual(sweep(), 0)

    def test_it_marks_a_township_late_in_forwarding_the_initial_review(self) -> None:
        make_township(self)
        definition = township_process()
        with at("2026-11-02"):
            case, _code = start(self.as_actor(self.township_clerk), definition, intake=self.township)
        accept = case.steps.get(node_id="accept")
        with at("2026-11-04"):
            self.assertEqual(sweep(), 1)
        alarm = Alarm.objects.get()
        self.assertEqual(
            (alarm.kind, alarm.unit_id, alarm.dedupe_key, alarm.state),
            (
                AlarmKind.TOWNSHIP_FORWARDED_LATE,
                self.township.pk,
                f"township-late:{accept.pk}",
                AlarmState.RAISED,
            ),
        )
