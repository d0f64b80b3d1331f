from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks.models import ControlPlan, RiskRevision
from sunlight.test import Personas

POINT = {
    "description": "罚没款未按规定上缴国库",
    "kind": "risk_point",
    "level": "high",
    "step": "执行",
    "post": "CZJ-CK01",
    "domains": ["funds"],
    "red_line": "严禁截留、挪用罚没款",
    "consequence": "依纪依法严肃处理",
}
MEASURE = {
    "description": "罚缴分离，一律缴入国库",
    "owner": "CZJ-MC01",
    "status": "in_place",
    "evidence": "缴款凭证",
}


class RiskApiTests(Personas):
    def test_it_keeps_the_register_and_files_the_plan_through_the_api(self) -> None:
        publish(self.as_actor(self.leader), self.inspector, draft(self.as_actor(self.chief), self.finance))
        self.login(self.chief)
        created = self.client.post(
            "/api/v1/risks/points",
            POINT | {"unit": self.finance.code, "power": "CZJ-XK-0001", "measures": [MEASURE]},
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        code = created.json()["code"]
        revised = self.client.put(
            f"/api/v1/risks/points/{code}",
            POINT
            | {
                "power": "CZJ-XK-0001",
                "red_line": "严禁截留罚没款",
                "prompt": "complaint",
                "reference": "望纪信〔2025〕3号",
            },
            content_type="application/json",
        )
        self.assertEqual(revised.status_code, 200, revised.content)
        self.assertEqual(RiskRevision.objects.get().prompt, "complaint")
        plan = self.client.post(
            "/api/v1/risks/plans",
            {"unit": self.finance.code, "title": "防控方案"},
            content_type="application/json",
        ).json()
        self.login(self.leader)
        filed = self.client.post(
            f"/api/v1/risks/plans/{plan['id']}/submit", {}, content_type="application/json"
        )
        self.assertEqual(filed.json()["state"], "submitted")
        self.login(self.inspector, verified=True)
        returned = self.client.post(
            f"/api/v1/risks/plans/{plan['id']}/return",
            {"findings": [{"kind": "missing_post", "text": "财务岗位未纳入", "post": "CZJ-CK01"}]},
            content_type="application/json",
        )
        self.assertEqual(returned.json()["findings"][0]["post"], "CZJ-CK01")
        gaps = self.client.get("/api/v1/risks/coverage", {"unit": self.finance.code}).json()
        self.assertEqual(gaps["powers_without_risk"], [])
        self.login(self.outsider)
        self.assertEqual(
            self.client.get("/api/v1/risks/points", {"unit": self.finance.code}).status_code, 403
        )
        self.assertEqual(ControlPlan.objects.get().state, "returned")
