from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunlight.ledger.models import Leaf
from sunlight.test import PASSWORD, Personas


class SignInTests(Personas):
    def sign_in(self, username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
        )

    def test_it_signs_a_clerk_in_and_lands_on_the_workbench(self) -> None:
        response = self.sign_in("clerk", PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertRedirects(self.client.get(reverse("home")), reverse("orgs:workbench"))

    def test_it_answers_in_chinese_by_default(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, 'lang="zh-hans"')
        self.assertContains(response, "工作人员登录")

    def test_it_answers_in_english_when_asked(self) -> None:
        response = self.client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Staff sign-in")

    def test_it_locks_the_account_for_that_client_after_repeated_wrong_passwords(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in("clerk", "wrong-password")
        response = self.sign_in("clerk", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "已锁定", status_code=429)
        # Another computer is not locked out of the same account ...
        self.assertEqual(self.sign_in("clerk", PASSWORD, ip="10.0.0.2").status_code, 302)
        # ... and the same computer can still sign in another account.
        self.client.logout()
        self.assertEqual(self.sign_in("chief", PASSWORD).status_code, 302)

    def test_it_hashes_passwords_with_argon2_in_production(self) -> None:
        from sunlight import settings as production

        self.assertEqual(production.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher")

    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
    def test_it_stores_an_argon2_hash(self) -> None:
        self.clerk.set_password("Another-Secret-77")
        self.assertTrue(self.clerk.password.startswith("argon2"))


class SecondFactorTests(Personas):
    def test_it_refuses_the_console_to_an_inspector_without_the_second_factor(self) -> None:
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("supervision:console"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:second_factor")))
        # Without a key yet, the second-factor page sends them to enrol.
        response = self.client.get(response["Location"])
        self.assertTrue(response["Location"].startswith(reverse("accounts:enrol")))

    def test_it_lets_the_inspector_in_after_totp_enrolment(self) -> None:
        self.client.force_login(self.inspector)
        next_url = reverse("supervision:console")
        page = self.client.get(reverse("accounts:enrol") + f"?next={next_url}")
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.inspector, confirmed=False)
        code = f"{totp(device.bin_key):06d}"
        response = self.client.post(reverse("accounts:enrol"), {"token": code, "next": next_url})
        self.assertRedirects(response, next_url)
        self.assertEqual(self.client.get(next_url).status_code, 200)
        self.assertTrue(Leaf.objects.filter(action="accounts.confirm_totp_device").exists())

    def test_it_refuses_a_wrong_code_with_a_clear_message(self) -> None:
        self.client.force_login(self.inspector)
        self.client.get(reverse("accounts:enrol"))
        response = self.client.post(reverse("accounts:enrol"), {"token": "000000"})
        self.assertContains(response, "验证码不正确")
        self.assertFalse(TOTPDevice.objects.filter(user=self.inspector, confirmed=True).exists())

    def test_it_asks_for_the_current_code_at_each_sign_in(self) -> None:
        device = TOTPDevice.objects.create(user=self.inspector, name="key", confirmed=True)
        self.client.force_login(self.inspector)
        self.assertContains(self.client.get(reverse("accounts:second_factor")), 'name="token"')
        response = self.client.post(
            reverse("accounts:second_factor"),
            {"token": f"{totp(device.bin_key):06d}", "next": "/supervision/"},
        )
        self.assertRedirects(response, "/supervision/")

    def test_it_does_not_let_a_stolen_password_replace_the_key(self) -> None:
        TOTPDevice.objects.create(user=self.inspector, name="key", confirmed=True)
        self.client.force_login(self.inspector)
        response = self.client.get(reverse("accounts:enrol"))
        self.assertTrue(response["Location"].startswith(reverse("accounts:second_factor")))
        self.assertFalse(TOTPDevice.objects.filter(user=self.inspector, confirmed=False).exists())

    def test_it_requires_the_second_factor_of_admins_too(self) -> None:
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("orgs:manage")).status_code, 302)
        self.login(self.admin, verified=True)
        self.assertEqual(self.client.get(reverse("orgs:manage")).status_code, 200)
