from typing import Any

from sunlight.powers.models import PowerVersion, VersionState
from sunlight.powers.tests.helpers import draft, publish
from sunlight.test import Personas


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": "",
        "code": "CZJ-XK-0009",
        "name": "财政票据领购审核",
        "category": "licensing",
        "implementing_body": "区财政局",
        "statutory_limit": 20,
        "committed_limit": 5,
        "valid_from": "2024-01-01",
        "legal_bases": [{"kind": "establishing", "law": "《财政票据管理办法》", "article": "第二十三条"}],
        "fees": [{"name": "工本费", "amount_fen": 500, "basis": "湘财综〔2013〕1号"}],
    }
    data.update(overrides)
    return data


class PowerApiTests(Personas):
    def test_it_serves_the_published_list_to_anyone(self) -> None:
        publish(self.as_actor(self.leader), self.inspector, draft(self.as_actor(self.chief), self.finance))
        found = self.client.get("/api/v1/powers", {"q": "采购代理"}).json()
        self.assertEqual(found["count"], 1)
        self.assertEqual(found["items"][0]["code"], "CZJ-XK-0001")
        guide = self.client.get("/api/v1/powers/CZJ-XK-0001").json()
        self.assertEqual(guide["fees"][0]["amount_fen"], 1050)
        self.assertEqual(guide["state"], "published")
        self.assertEqual(self.client.get("/api/v1/powers/CZJ-XK-0404").status_code, 404)
        self.assertEqual(self.client.get("/api/v1/powers", {"on": "2019-12-31"}).json()["count"], 0)
        self.assertEqual(self.client.get("/api/v1/powers", {"on": "0"}).status_code, 400)

    def test_it_drafts_files_and_publishes_through_the_same_actions(self) -> None:
        self.login(self.chief)
        created = self.client.post(
            "/api/v1/powers", body(unit=self.finance.code), content_type="application/json"
        )
        self.assertEqual(created.status_code, 201, created.content)
        version_id = PowerVersion.objects.get().pk
        too_long = self.client.put(
            f"/api/v1/powers/versions/{version_id}", body(committed_limit=30), content_type="application/json"
        )
        self.assertEqual(too_long.status_code, 400)
        self.assertIn("committed_limit", too_long.json()["errors"])
        self.assertEqual(
            self.client.post(
                f"/api/v1/powers/versions/{version_id}/submit", {}, content_type="application/json"
            ).status_code,
            403,
        )
        self.login(self.leader)
        submitted = self.client.post(
            f"/api/v1/powers/versions/{version_id}/submit", {}, content_type="application/json"
        )
        self.assertEqual(submitted.json()["state"], VersionState.SUBMITTED)
        self.login(self.inspector)  # without the supervision key
        approve = f"/api/v1/powers/versions/{version_id}/approve"
        self.assertEqual(self.client.post(approve, {}, content_type="application/json").status_code, 403)
        self.login(self.inspector, verified=True)
        self.assertEqual(
            self.client.post(approve, {}, content_type="application/json").json()["state"], "published"
        )

    def test_it_keeps_other_units_out(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/api/v1/powers/versions/{version.pk}").status_code, 403)
        response = self.client.post(
            "/api/v1/powers", body(unit=self.finance.code), content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
