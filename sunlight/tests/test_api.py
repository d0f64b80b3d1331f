import datetime as dt

from django.utils import timezone

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind, ApiToken
from sunlight.orgs.models import Delegation
from sunlight.test import Personas, system


class ApiTests(Personas):
    def test_it_publishes_its_openapi_schema(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/v1/me", schema["paths"])

    def test_it_serves_its_docs_without_a_cdn(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("cdn.", response.content.decode())

    def test_it_asks_anonymous_callers_to_authenticate(self) -> None:
        response = self.client.get("/api/v1/me")
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response.json()["detail"])

    def test_it_accepts_an_integration_token_and_refuses_it_once_revoked(self) -> None:
        kiosk = account_actions.create_person(
            system(), username="hall-kiosk", full_name="政务大厅查询机", kind=AccountKind.INTEGRATION
        )
        token, raw = account_actions.issue_api_token(system(), user=kiosk, name="政务大厅查询机")
        auth = {"Authorization": f"Bearer {raw}"}
        response = self.client.get("/api/v1/me", headers=auth)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["username"], "hall-kiosk")
        self.assertNotEqual(ApiToken.objects.get().digest, raw)
        account_actions.revoke_api_token(system(), token, reason="设备报废")
        self.assertEqual(self.client.get("/api/v1/me", headers=auth).status_code, 401)

    def test_it_uses_the_browser_session_too(self) -> None:
        self.login(self.clerk)
        body = self.client.get("/api/v1/me").json()
        self.assertEqual(body["roles"], ["workbench"])
        self.assertEqual(body["posts"][0]["code"], "CZJ-CK01")

    def test_it_requires_the_second_factor_for_admin_writes(self) -> None:
        payload = {
            "organisation": self.finance.code,
            "code": "CZJ-CK09",
            "name": "窗口受理岗",
            "kind": "clerk",
        }
        self.login(self.admin)
        response = self.client.post("/api/v1/posts", payload, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.login(self.admin, verified=True)
        response = self.client.post("/api/v1/posts", payload, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_it_returns_field_errors_for_bad_input(self) -> None:
        self.login(self.admin, verified=True)
        response = self.client.post(
            "/api/v1/people",
            {"username": "Bad Name", "full_name": "x", "phone": "123"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"username", "full_name", "phone"})

    def test_it_grants_a_delegation_through_the_same_action(self) -> None:
        self.login(self.head)
        start = timezone.now() + dt.timedelta(minutes=1)
        response = self.client.post(
            "/api/v1/delegations",
            {
                "post": "CZJ-SC01",
                "grantee": "clerk",
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(days=3)).isoformat(),
                "reason": "股长休假",
            },
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Delegation.objects.get().grantee, self.clerk)
        self.login(self.clerk)
        refused = self.client.post(
            "/api/v1/delegations",
            {
                "post": "CZJ-SC01",
                "grantee": "chief",
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(days=3)).isoformat(),
                "reason": "越权尝试",
            },
            content_type="application/json",
        )
        self.assertEqual(refused.status_code, 403)

    def test_it_shows_inspectors_the_delegations_of_their_jurisdiction(self) -> None:
        from sunlight.orgs import actions

        actions.grant_delegation(
            self.as_actor(self.head),
            post=self.chief_post,
            grantee=self.clerk,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(days=1),
            reason="股长休假",
        )
        self.login(self.inspector, verified=True)
        self.assertEqual(len(self.client.get("/api/v1/delegations").json()), 1)
        self.login(self.outsider)
        self.assertEqual(self.client.get("/api/v1/delegations").json(), [])
