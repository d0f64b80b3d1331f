"""A four-stage case from a township window to a sealed decision, across the 2026 National Day.

2026 (State Council notice 国办发明电〔2025〕7号, as chinese-calendar has it): Mid-Autumn Sep 25–27
off; National Day Oct 1–7 off; make-up workdays Sun Sep 20 and Sat Oct 10.
"""

import datetime as dt
from typing import Any

import time_machine

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.calendars.actions import DayEntry, enter_arrangement
from sunlight.calendars.models import DayKind
from sunlight.cases import actions
from sunlight.cases.models import CaseState, Step
from sunlight.cases.tests.factories import APPLICANT
from sunlight.cases.timers import issue_results
from sunlight.documents.models import Document
from sunlight.orgs.models import Organisation, OrgKind, PostKind
from sunlight.processes import actions as process_actions
from sunlight.processes.models import ProcessDefinition
from sunlight.test import Personas, assign, make_office, make_person, make_post, make_unit, system

SHANGHAI = dt.timezone(dt.timedelta(hours=8))

FOUR_STAGES: dict[str, Any] = {
    "schema": "sunlight-process/1",
    "code": "CZJ-E2E",
    "name": "政府采购代理机构备案",
    "owner": "CZJ",
    "intake": "township",
    "total_limit": 10,
    "stages": [
        {"id": "township", "name": "镇（街道）受理"},
        {"id": "review", "name": "并联审查"},
        {"id": "decision", "name": "审批决定"},
        {"id": "issue", "name": "统一出件"},
    ],
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "accept",
            "type": "task",
            "stage": "township",
            "name": "镇（街道）受理",
            "limit": 1,
            "post": {"org": "intake", "kind": "clerk", "office": "便民服务中心"},
            "form": [{"name": "agency", "label": "代理机构名称", "type": "text", "required": True}],
        },
        {"id": "split", "type": "parallel"},
        {
            "id": "finance_review",
            "type": "task",
            "stage": "review",
            "name": "财政审查",
            "limit": 3,
            "post": {"org": "owner", "kind": "section_chief", "office": "行政审批股"},
        },
        {
            "id": "water_review",
            "type": "task",
            "stage": "review",
            "name": "水务会审",
            "limit": 2,
            "post": {"org": "SWJ", "kind": "clerk"},
        },
        {"id": "join", "type": "parallel"},
        {
            "id": "decide",
            "type": "task",
            "stage": "decision",
            "name": "分管领导审批",
            "limit": 3,
            "post": {"org": "owner", "kind": "leader_in_charge"},
            "decision": True,
        },
        {"id": "decided", "type": "exclusive"},
        {
            "id": "issue",
            "type": "task",
            "stage": "issue",
            "name": "统一出件",
            "limit": 1,
            "post": {"org": "owner", "kind": "clerk", "office": "行政审批股"},
        },
        {"id": "approved", "type": "end", "outcome": "approved"},
        {"id": "refused", "type": "end", "outcome": "refused"},
    ],
    "flows": [
        {"from": "start", "to": "accept"},
        {"from": "accept", "to": "split"},
        {"from": "split", "to": "finance_review"},
        {"from": "split", "to": "water_review"},
        {"from": "finance_review", "to": "join"},
        {"from": "water_review", "to": "join"},
        {"from": "join", "to": "decide"},
        {"from": "decide", "to": "decided"},
        {"from": "decided", "to": "issue", "when": "decision == 'approve'"},
        {"from": "decided", "to": "refused", "default": True},
        {"from": "issue", "to": "approved"},
    ],
    "suspensions": [
        {
            "code": "expert_review",
            "name": "专家评审",
            "max_days": 30,
            "basis": "《中华人民共和国行政许可法》第四十五条",
        }
    ],
    "extension": {
        "max_days": 10,
        "approver": {"org": "owner", "kind": "head"},
        "basis": "《中华人民共和国行政许可法》第四十二条",
    },
}


def at(day: str, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI), tick=False)


class FourStageCaseTests(Personas):
    township: Organisation
    township_clerk: User
    definition: ProcessDefinition

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.township = make_unit("桥驿镇")
        desk = make_office(cls.township, "便民服务中心")
        cls.township_clerk = make_person("qyz09", "曾磊")
        assign(cls.township_clerk, make_post(desk, PostKind.CLERK, "QYZ-CK03", "窗口受理岗"))
        draft = process_actions.save_draft(system(), FOUR_STAGES)
        cls.definition = process_actions.publish(system(), draft)

    def step(self, case: Any, node: str) -> Step:
        return Step.objects.get(case=case, node_id=node)

    def test_it_runs_four_stages_from_the_township_to_a_sealed_decision(self) -> None:
        with at("2026-09-24"):  # Thursday, before the Mid-Autumn and National Day holidays
            case, code = actions.start_case(
                self.as_actor(self.township_clerk),
                definition=self.definition,
                subject="某代理机构备案",
                applicant=APPLICANT,
                acknowledged_risks=[],
                acknowledged=True,
                intake=self.township,
            )
            # 10 working days after Thu 09-24: 09-28, 29, 30, 10-08, 09, 10 (Sat, make-up), 12, 13, 14, 15.
            self.assertEqual(case.due_date, dt.date(2026, 10, 15))
            accept = self.step(case, "accept")
            self.assertEqual((accept.unit, accept.due_date), (self.township, dt.date(2026, 9, 28)))
            actions.complete_step(
                self.as_actor(self.township_clerk), accept, values={"agency": "湖南某招标代理有限公司"}
            )
            # Hand-off from the township to the bureau, in two parallel reviews.
            self.assertEqual(self.step(case, "finance_review").due_date, dt.date(2026, 9, 30))  # 28, 29, 30
            self.assertEqual(self.step(case, "water_review").due_date, dt.date(2026, 9, 29))  # 28, 29
            self.assertEqual(self.step(case, "water_review").unit, self.water)
        with at("2026-09-28"):
            actions.suspend_case(
                self.as_actor(self.chief),
                case,
                kind_code="expert_review",
                reason="需组织专家论证代理资质",
                notice="因需专家评审，本件自2026年9月28日起暂停计时。",
            )
        with at("2026-10-09"):  # resumed: 09-28 to 10-08 did not count (4 working days: 28, 29, 30, 10-08)
            actions.resume_case(self.as_actor(self.chief), case)
            case.refresh_from_db()
            self.assertEqual(case.state, CaseState.RUNNING)
            # 10 working days after 09-24 without 09-28..10-08: 10-09, 10, 12, 13, 14, 15, 16, 19, 20, 21.
            self.assertEqual(case.due_date, dt.date(2026, 10, 21))
            self.assertEqual(
                self.step(case, "finance_review").due_date, dt.date(2026, 10, 12)
            )  # 10-09, 10, 12
            self.assertEqual(self.step(case, "water_review").due_date, dt.date(2026, 10, 10))  # 10-09, 10
            actions.complete_step(self.as_actor(self.outsider), self.step(case, "water_review"), values={})
            self.assertFalse(Step.objects.filter(case=case, node_id="decide").exists())  # the join waits
            actions.complete_step(self.as_actor(self.chief), self.step(case, "finance_review"), values={})
            decide = self.step(case, "decide")
            self.assertEqual(decide.due_date, dt.date(2026, 10, 13))  # 10-10 (Sat, make-up), 12, 13
            extension = actions.request_extension(
                self.as_actor(self.leader),
                case,
                days=5,
                reason="需补充核查代理业绩",
                notice="本件延期5个工作日。",
            )
            actions.decide_extension(self.as_actor(self.head), extension, approve=True, reason="同意延期")
            case.refresh_from_db()
            # 15 working days now: after 10-21 come 22, 23, 26, 27, 28.
            self.assertEqual(case.due_date, dt.date(2026, 10, 28))
        with at("2026-10-12"):
            actions.complete_step(self.as_actor(self.leader), decide, values={}, decision="approve")
            actions.complete_step(self.as_actor(self.clerk), self.step(case, "issue"), values={})
        case.refresh_from_db()
        self.assertEqual(case.state, CaseState.APPROVED)
        issue_results()
        document = Document.objects.get(subject_id=str(case.pk))
        self.assertIn("准予", document.title)
        self.assertTrue(actions.query_code_matches(case, code))

    def test_it_refuses_a_township_clerk_from_another_township(self) -> None:
        other = make_unit("格塘镇")
        desk = make_office(other, "便民服务中心")
        stranger = make_person("gtz09", "龙莉")
        assign(stranger, make_post(desk, PostKind.CLERK, "GTZ-CK03", "窗口受理岗"))
        with at("2026-11-02"):
            case, _code = actions.start_case(
                self.as_actor(self.township_clerk),
                definition=self.definition,
                subject="备案",
                applicant=APPLICANT,
                acknowledged_risks=[],
                acknowledged=True,
                intake=self.township,
            )
        from sunlight.ledger.refusals import Refused

        with self.assertRaises(Refused):
            actions.complete_step(self.as_actor(stranger), self.step(case, "accept"), values={"agency": "x"})
        self.assertEqual(other.kind, OrgKind.TOWNSHIP)


class CalendarYearMissingTests(Personas):
    def test_it_gives_provisional_dates_in_2027_and_final_ones_once_the_year_is_loaded(self) -> None:
        from sunlight.cases.tests.factories import published, start

        definition = published()
        with at("2026-12-28"):
            case, _code = start(self.as_actor(self.clerk), definition)
            self.assertTrue(case.due_provisional)
            # Fallback rule (weekends only): 12-29, 30, 31, 2027-01-01 (Fri), 04, 05, 06, 07, 08, 11.
            self.assertEqual(case.due_date, dt.date(2027, 1, 11))
            self.assertEqual(Alarm.objects.filter(kind=AlarmKind.CALENDAR_MISSING).count(), 1)
            enter_arrangement(
                system(),
                year=2027,
                source="国务院办公厅关于2027年部分节假日安排的通知",
                days=[DayEntry(dt.date(2027, 1, 1), DayKind.HOLIDAY, "元旦")],
            )
        case.refresh_from_db()
        self.assertFalse(case.due_provisional)
        # With New Year's Day off: 12-29, 30, 31, 2027-01-04, 05, 06, 07, 08, 11, 12.
        self.assertEqual(case.due_date, dt.date(2027, 1, 12))
        self.assertFalse(Step.objects.filter(case=case, due_provisional=True).exists())
