"""The web layer's headers, and templates that keep to the Content Security Policy."""

import re
from pathlib import Path

from django.test import TestCase

PACKAGE = Path(__file__).resolve().parents[1]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
INLINE_STYLE = re.compile(r"(<style[\s>])|(\sstyle\s*=\s*[\"'])", re.IGNORECASE)


class SecurityHeaderTests(TestCase):
    def test_it_sends_a_strict_content_security_policy_and_framing_rules(self) -> None:
        for path in ("/", "/accounts/login/", "/portal/query/", "/api/v1/openapi.json"):
            response = self.client.get(path)
            policy = response["Content-Security-Policy"]
            self.assertIn("script-src 'self'", policy, path)
            self.assertIn("style-src 'self'", policy, path)
            self.assertIn("frame-ancestors 'none'", policy, path)
            self.assertIn("object-src 'none'", policy, path)
            self.assertNotIn("unsafe-inline", policy, path)
            self.assertNotIn("unsafe-eval", policy, path)
            self.assertEqual(response["X-Frame-Options"], "DENY", path)
            self.assertEqual(response["X-Content-Type-Options"], "nosniff", path)
            self.assertEqual(response["Referrer-Policy"], "same-origin", path)

    def test_it_keeps_every_template_free_of_inline_scripts_handlers_and_styles(self) -> None:
        offenders = []
        templates = list(PACKAGE.glob("**/templates/**/*.html"))
        self.assertGreater(len(templates), 50)
        for template in templates:
            text = template.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
                for match in pattern.finditer(text):
                    offenders.append(f"{template.relative_to(PACKAGE)}: {match.group(0).strip()}")
        self.assertEqual(offenders, [])

    def test_it_protects_forms_against_cross_site_requests(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
        self.assertEqual(response.status_code, 403)
