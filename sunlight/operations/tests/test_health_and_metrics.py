import io

from django.core.management import call_command
from django.test import TestCase, override_settings

from sunlight.operations.models import TimerRun


class HealthTests(TestCase):
    def test_it_reports_degraded_until_the_timers_have_run(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["database"]["ok"], True)
        call_command("runtimers", "--once", stdout=io.StringIO())
        self.assertTrue(TimerRun.objects.filter(name="ledger.checkpoint").exists())
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200, response.json())
        self.assertEqual(response.json()["status"], "ok")


class MetricsTests(TestCase):
    def test_it_exposes_request_latency_actions_alarms_timer_lag_and_ledger_size(self) -> None:
        self.client.get("/")
        call_command("runtimers", "--once", stdout=io.StringIO())
        body = self.client.get("/metrics").content.decode()
        for name in (
            "sunlight_request_seconds_bucket",
            "sunlight_ledger_leaves",
            "sunlight_timer_lag_seconds",
            "sunlight_ledger_last_verification_ok",
        ):
            self.assertIn(name, body)

    @override_settings(METRICS_TOKEN="s3cret")
    def test_it_asks_for_the_token_when_one_is_set(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 401)
        self.assertEqual(
            self.client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code, 200
        )
