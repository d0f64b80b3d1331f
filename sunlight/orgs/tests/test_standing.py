"""The standing's hand-written query says what the ORM's querysets say, on every kind of standing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.lib.moments import local_date
from sunlight.orgs import authority
from sunlight.orgs.models import Assignment, Delegation, Post
from sunlight.test import Personas, make_person

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
TODAY = local_date(NOW)


def expected(person: User, posts: list[Post], at: dt.datetime) -> tuple[str, int, int] | None:
    """The ORM's answer: an assignment in force (the longest-held, then the first made), else
    the latest-starting delegation in force, to an active post among `posts`."""
    post_ids = [p.pk for p in posts]
    assignment = (
        Assignment.objects.current(local_date(at))
        .filter(person=person, post_id__in=post_ids, post__is_active=True)
        .order_by("valid_from", "id")
        .first()
    )
    if assignment is not None:
        return ("assignment", assignment.pk, assignment.post_id)
    delegation = (
        Delegation.objects.active(at)
        .filter(grantee=person, post_id__in=post_ids, post__is_active=True)
        .order_by("-starts_at", "id")
        .first()
    )
    if delegation is not None:
        return ("delegation", delegation.pk, delegation.post_id)
    return None


def found(person: User, posts: list[Post], at: dt.datetime) -> tuple[str, int, int] | None:
    standing = authority.standing_among(person, [p.pk for p in posts], at, local_date(at))
    if standing is None:
        return None
    if standing.assignment is not None:
        return ("assignment", standing.assignment.pk, standing.post.pk)
    assert standing.delegation is not None
    return ("delegation", standing.delegation.pk, standing.post.pk)


class StandingQueryTests(Personas):
    def delegate(self, post: Post, grantee: User, start: dt.datetime, end: dt.datetime) -> Delegation:
        return Delegation.objects.create(
            post=post, grantor=self.head, grantee=grantee, starts_at=start, ends_at=end, reason="出差"
        )

    def test_it_finds_what_the_orm_finds_for_every_kind_of_standing(self) -> None:
        day = dt.timedelta(days=1)
        person = make_person("holder", "周敏")
        other = make_person("spare", "吴刚")
        posts = [self.window_post, self.chief_post, self.leader_post]
        # Two assignments in force: the longest-held wins, whatever the order they were made in.
        Assignment.objects.create(person=person, post=self.chief_post, valid_from=TODAY - 5 * day)
        Assignment.objects.create(person=person, post=self.window_post, valid_from=TODAY - 30 * day)
        # Ended, and not yet begun.
        Assignment.objects.create(
            person=other, post=self.window_post, valid_from=TODAY - 30 * day, valid_until=TODAY - day
        )
        Assignment.objects.create(person=other, post=self.chief_post, valid_from=TODAY + day)
        # Delegations: one in force, one revoked, one ended, one later and one starting later.
        self.delegate(self.leader_post, other, NOW - 2 * day, NOW + 2 * day)
        self.delegate(self.chief_post, other, NOW - 1 * day, NOW + 3 * day)
        revoked = self.delegate(self.window_post, other, NOW - day, NOW + day)
        Delegation.objects.filter(pk=revoked.pk).update(revoked_at=NOW - dt.timedelta(hours=1))
        self.delegate(self.head_post, other, NOW - 3 * day, NOW - day)
        moments = [NOW, NOW - 10 * day, NOW + 2 * day, NOW + 10 * day, NOW - 40 * day]
        for who in (person, other, self.clerk, self.outsider):
            for chosen in (posts, posts[:1], posts[1:], [self.head_post]):
                for at in moments:
                    with self.subTest(who=who.username, posts=[p.code for p in chosen], at=at):
                        self.assertEqual(found(who, chosen, at), expected(who, chosen, at))
        longest = Assignment.objects.get(person=person, post=self.window_post)
        self.assertEqual(found(person, posts, NOW), ("assignment", longest.pk, self.window_post.pk))

    def test_it_finds_no_standing_in_a_retired_post(self) -> None:
        Post.objects.filter(pk=self.window_post.pk).update(is_active=False)
        self.assertIsNone(found(self.clerk, [self.window_post], timezone.now()))
        self.assertIsNone(expected(self.clerk, [self.window_post], timezone.now()))
