import datetime as dt
from typing import Any

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs import actions, authority
from sunlight.orgs.models import Delegation
from sunlight.test import Personas, make_person

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
class DelegationTests(Personas):
    def grant(self, grantor: User, **overrides: Any) -> Delegation:
        fields: dict[str, Any] = {
            "post": self.chief_post,
            "grantee": self.clerk,
            "starts_at": timezone.now(),
            "ends_at": timezone.now() + dt.timedelta(days=5),
            "reason": "股长出差期间由窗口岗代行审核",
        } | overrides
        return actions.grant_delegation(self.as_actor(grantor), **fields)

    def test_it_lets_a_unit_leader_delegate_a_post_for_a_period(self) -> None:
        delegation = self.grant(self.head)
        standing = authority.standing_in(self.clerk, self.chief_post)
        assert standing is not None
        self.assertEqual(standing.delegation, delegation)
        self.assertTrue(Leaf.objects.filter(action="orgs.grant_delegation").exists())

    def test_it_stops_working_when_the_period_ends(self) -> None:
        self.grant(self.head)
        later = timezone.now() + dt.timedelta(days=6)
        self.assertIsNone(authority.standing_in(self.clerk, self.chief_post, at=later))

    def test_it_stops_working_when_revoked(self) -> None:
        delegation = self.grant(self.leader)
        actions.revoke_delegation(self.as_actor(self.head), delegation, reason="股长提前返岗")
        self.assertIsNone(authority.standing_in(self.clerk, self.chief_post))

    def test_it_refuses_a_delegation_by_someone_who_does_not_lead_the_unit(self) -> None:
        with self.assertRaises(Refused):
            self.grant(self.chief)
        with self.assertRaises(Refused):
            self.grant(self.outsider, post=self.window_post, grantee=self.chief)
        self.assertFalse(Delegation.objects.exists())
        self.assertEqual(Leaf.objects.filter(action="refused").count(), 2)

    def test_it_refuses_back_dating(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.grant(self.head, starts_at=timezone.now() - dt.timedelta(days=1))
        self.assertIn("starts_at", caught.exception.message_dict)

    def test_it_refuses_an_overlong_or_reasonless_delegation(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.grant(self.head, ends_at=timezone.now() + dt.timedelta(days=365), reason="")
        self.assertEqual(set(caught.exception.message_dict), {"ends_at", "reason"})

    def test_it_refuses_to_delegate_to_an_admin_or_an_inspector_of_the_unit(self) -> None:
        with self.assertRaises(ValidationError):
            self.grant(self.head, grantee=self.admin)
        with self.assertRaises(ValidationError):
            self.grant(self.head, grantee=self.inspector)

    def test_it_shows_delegations_to_inspectors(self) -> None:
        self.grant(self.head)
        self.login(self.inspector, verified=True)
        response = self.client.get(reverse("supervision:console"))
        self.assertContains(response, "股长出差期间由窗口岗代行审核")

    def test_it_lets_a_leader_grant_and_revoke_from_the_page(self) -> None:
        self.login(self.head)
        url = reverse("orgs:delegation_new", args=[self.finance.pk])
        response = self.client.post(
            url,
            {
                "post": self.chief_post.pk,
                "grantee": self.clerk.pk,
                "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                "reason": "股长参加培训",
            },
        )
        self.assertRedirects(response, reverse("orgs:delegations"))
        delegation = Delegation.objects.get()
        self.client.post(reverse("orgs:delegation_revoke", args=[delegation.pk]), {"reason": "培训取消"})
        delegation.refresh_from_db()
        self.assertIsNotNone(delegation.revoked_at)

    def test_it_refuses_the_delegation_page_to_a_clerk(self) -> None:
        self.login(self.clerk)
        response = self.client.get(reverse("orgs:delegation_new", args=[self.finance.pk]))
        self.assertEqual(response.status_code, 403)

    def test_it_keeps_a_person_without_posts_out_of_acting(self) -> None:
        nobody = make_person("nobody", "无岗位")
        self.assertIsNone(authority.standing_in(nobody, self.window_post))
