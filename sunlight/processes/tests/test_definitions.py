import copy
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from sunlight.cases.tests.factories import document
from sunlight.ledger.models import Leaf
from sunlight.orgs.demo import load_district
from sunlight.processes import actions, bpmn, diagram
from sunlight.processes.definition import InvalidDefinition, load_text, parse
from sunlight.processes.models import DefinitionState, ImmutableDefinition, ProcessDefinition
from sunlight.test import Personas, system

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions"


def problems_of(doc: dict[str, Any]) -> list[str]:
    try:
        actions.check(doc)
    except ValidationError as exc:
        return list(exc.message_dict["document"])
    return []


def without(doc: dict[str, Any], key: str, node_id: str) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    changed[key] = [item for item in changed[key] if item.get("id") != node_id and item.get("to") != node_id]
    return changed


class InvalidDefinitionTests(Personas):
    """Each broken definition is refused with the message that names its fault."""

    def assertRefused(self, doc: dict[str, Any], fragment: str) -> None:
        problems = problems_of(doc)
        self.assertTrue(any(fragment in p for p in problems), problems)

    def test_it_accepts_the_sound_definition(self) -> None:
        self.assertEqual(problems_of(document()), [])

    def test_it_refuses_an_unknown_post(self) -> None:
        doc = document()
        doc["nodes"][2]["post"] = {"org": "owner", "kind": "section_chief", "office": "不存在的股室"}
        self.assertRefused(doc, "不存在的股室")

    def test_it_refuses_an_unknown_unit(self) -> None:
        doc = document()
        doc["nodes"][2]["post"] = {"org": "ZZZ", "kind": "clerk"}
        self.assertRefused(doc, "ZZZ")

    def test_it_refuses_an_unreachable_step(self) -> None:
        doc = document()
        doc["nodes"].append(
            {
                "id": "orphan",
                "type": "task",
                "stage": "review",
                "name": "孤立环节",
                "limit": 1,
                "post": {"org": "owner", "kind": "clerk", "office": "行政审批股"},
            }
        )
        doc["flows"].append({"from": "orphan", "to": "approved"})
        self.assertRefused(doc, "孤立环节")

    def test_it_refuses_a_join_without_a_split(self) -> None:
        doc = document()
        doc["nodes"].append({"id": "join", "type": "parallel", "name": "汇合"})
        doc["flows"] = [f for f in doc["flows"] if f != {"from": "review", "to": "decide"}]
        doc["flows"] += [
            {"from": "review", "to": "join"},
            {"from": "decided", "to": "join", "when": "decision == 'x'"},
            {"from": "join", "to": "decide"},
        ]
        self.assertRefused(doc, "汇合")

    def test_it_refuses_a_cycle_without_an_exit(self) -> None:
        doc = document()
        # After the decision, both routes go back to the review: no end can ever be reached.
        doc["flows"] = [f for f in doc["flows"] if f["from"] not in ("decided", "issue")] + [
            {"from": "decided", "to": "issue", "when": "decision == 'approve'"},
            {"from": "decided", "to": "review", "default": True},
            {"from": "issue", "to": "review"},
        ]
        self.assertRefused(doc, "股长审查")

    def test_it_refuses_limits_over_the_total(self) -> None:
        doc = document(total_limit=5)
        self.assertRefused(doc, "5")

    def test_it_refuses_a_decision_without_a_default_or_condition(self) -> None:
        doc = document()
        doc["flows"] = [
            f if f.get("to") != "refused" else {"from": "decided", "to": "refused"} for f in doc["flows"]
        ]
        self.assertRefused(doc, "refused")

    def test_it_refuses_a_step_with_two_outgoing_flows(self) -> None:
        doc = document()
        doc["flows"].append({"from": "accept", "to": "decide"})
        self.assertRefused(doc, "窗口受理")

    def test_it_refuses_invalid_cel_conditions(self) -> None:
        doc = document()
        doc["flows"][4]["when"] = "decision =="
        self.assertRefused(doc, "CEL")

    def test_it_refuses_what_the_schema_forbids(self) -> None:
        doc = document()
        doc["nodes"][1]["limit"] = -1
        with self.assertRaises(InvalidDefinition) as caught:
            parse(doc)
        self.assertIn("nodes/1/limit", caught.exception.problems[0])

    def test_it_keeps_published_versions_immutable(self) -> None:
        draft = actions.save_draft(system(), document())
        published = actions.publish(system(), draft)
        published.document = {**published.document, "name": "改了"}
        with self.assertRaises(ImmutableDefinition):
            published.save()
        # A change makes a new version; running cases keep the old one.
        second = actions.save_draft(system(), document(name="财政票据领购审批（新）"))
        self.assertEqual(second.version, 2)
        actions.publish(system(), second)
        published.refresh_from_db()
        self.assertEqual(published.state, DefinitionState.RETIRED)
        self.assertEqual(Leaf.objects.filter(action="processes.publish").count(), 2)

    def test_it_lets_only_admins_save_definitions(self) -> None:
        from sunlight.ledger.refusals import Refused

        with self.assertRaises(Refused):
            actions.save_draft(self.as_actor(self.head), document())


class ConstructionApprovalTests(TestCase):
    """The seed's construction-project approval: 17 steps / 30 days, and 4 stages / 14 days."""

    @classmethod
    def setUpTestData(cls) -> None:
        load_district()

    def test_it_validates_publishes_draws_and_round_trips_both_forms(self) -> None:
        for name, steps, days in (("construction-old", 17, 30), ("construction-parallel", 12, 14)):
            with self.subTest(name):
                doc = load_text((DEFINITIONS / f"{name}.yaml").read_text(encoding="utf-8"))
                published = actions.publish(system(), actions.save_draft(system(), doc))
                graph = published.graph
                self.assertEqual((len(graph.tasks), graph.total_limit), (steps, days))
                svg = diagram.svg(graph)
                self.assertEqual(svg.count('class="node task"'), steps)
                exported = bpmn.export(published.document)
                self.assertIn('xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"', exported)
                self.assertEqual(parse(bpmn.import_(exported)), graph)

    def test_it_imports_a_bpmn_file_as_a_new_draft_from_the_page(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from sunlight.orgs.models import Assignment, PostKind

        doc = load_text((DEFINITIONS / "construction-parallel.yaml").read_text(encoding="utf-8"))
        admin = Assignment.objects.filter(post__kind=PostKind.ADMIN).select_related("person").first()
        assert admin is not None
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=admin.person, name="key", confirmed=True)
        self.client.force_login(admin.person)
        session = self.client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        upload = SimpleUploadedFile("p.bpmn", bpmn.export(doc).encode(), content_type="application/xml")
        response = self.client.post(reverse("processes:edit"), {"bpmn_file": upload})
        draft = ProcessDefinition.objects.get(code="JSXM-BL")
        self.assertRedirects(response, reverse("processes:detail", args=[draft.pk]))
        self.assertContains(self.client.get(reverse("processes:detail", args=[draft.pk])), "<svg")
        self.assertEqual(
            self.client.get(reverse("processes:svg", args=[draft.pk])).status_code, 404
        )  # not published
