from typing import Any

from django.urls import reverse

from sunlight.ledger.models import Leaf
from sunlight.powers.forms import PART_FORMS
from sunlight.powers.models import PowerVersion, VersionState
from sunlight.powers.tests.helpers import draft
from sunlight.test import Personas


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "CZJ-XK-0005",
        "name": "财政票据领购审核",
        "category": "licensing",
        "implementing_body": "区财政局",
        "body_nature": "statutory",
        "office": "CZJ-01",
        "posts": ["CZJ-CK01"],
        "exercise_level": "district",
        "statutory_limit": "20",
        "statutory_limit_unit": "working_days",
        "committed_limit": "5",
        "committed_limit_unit": "working_days",
        "visits_needed": "1",
        "valid_from": "2024-01-01",
        "sub_items": "新办\n变更",
    }
    for key in PART_FORMS:
        data |= {f"{key}-TOTAL_FORMS": "2", f"{key}-INITIAL_FORMS": "0"}
    data |= {
        "legal_bases-0-kind": "establishing",
        "legal_bases-0-law": "《财政票据管理办法》",
        "legal_bases-0-article": "第二十三条",
        "legal_bases-1-kind": "establishing",
        "fees-0-name": "工本费",
        "fees-0-amount": "12.30",
        "fees-0-basis": "湘财综〔2013〕1号",
        "materials-0-name": "申请表",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-0-required": "on",
        "materials-1-form": "original",
        "materials-1-copies": "1",
        "accountability-0-stage": "acceptance",
        "accountability-1-stage": "acceptance",
    }
    data.update(overrides)
    return data


class VersionPageTests(Personas):
    def test_it_drafts_a_power_from_the_form_and_shows_each_error_where_it_belongs(self) -> None:
        self.login(self.chief)
        url = reverse("powers:create", args=[self.finance.pk])
        response = self.client.post(url, form_data(committed_limit="30", **{"fees-0-basis": ""}))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("committed_limit", form.errors)
        fees = {key: formset for key, _label, formset in response.context["parts"]}["fees"]
        self.assertIn("basis", fees.forms[0].errors)
        self.assertFalse(PowerVersion.objects.exists())
        response = self.client.post(url, form_data())
        version = PowerVersion.objects.get()
        self.assertRedirects(response, reverse("powers:version", args=[version.pk]))
        self.assertEqual(version.fees.get().amount_fen, 1230)
        self.assertEqual([s.name for s in version.sub_items.all()], ["新办", "变更"])

    def test_it_files_and_reviews_from_the_pages(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        self.login(self.leader)
        self.client.post(reverse("powers:submit", args=[version.pk]))
        self.login(self.inspector, verified=True)
        queue = self.client.get(reverse("powers:review"))
        self.assertContains(queue, "政府采购代理机构资格认定")
        self.client.post(reverse("powers:return", args=[version.pk]), {"findings": "追责情形不全"})
        version.refresh_from_db()
        self.assertEqual((version.state, version.findings), (VersionState.RETURNED, "追责情形不全"))
        self.login(self.monitor)
        self.client.post(reverse("powers:submit", args=[version.pk]))
        self.login(self.inspector, verified=True)
        self.client.post(reverse("powers:approve_batch"), {"version": [version.pk]})
        version.refresh_from_db()
        self.assertEqual(version.state, VersionState.PUBLISHED)
        self.login(self.leader)
        self.assertEqual(self.client.get(reverse("powers:review")).status_code, 403)

    def test_it_opens_edit_forms_only_to_the_units_editors_and_still_records_a_refused_post(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        edit = reverse("powers:edit", args=[version.pk])
        create = reverse("powers:create", args=[self.finance.pk])
        self.login(self.chief)
        self.assertEqual(self.client.get(edit).status_code, 200)
        for person, verified in ((self.clerk, False), (self.inspector, True)):
            self.client.logout()
            self.login(person, verified=verified)
            self.assertEqual(self.client.get(edit).status_code, 403, person.username)
            self.assertEqual(self.client.get(create).status_code, 403, person.username)
        # The page is refused; a submitted form still reaches the action, which records the attempt.
        self.login(self.clerk)
        self.client.post(edit, form_data())
        refused = Leaf.objects.filter(action="refused", data__contains='"attempted":"powers.update"')
        self.assertTrue(refused.exists())
