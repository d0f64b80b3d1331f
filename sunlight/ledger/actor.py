"""Who is acting, through which channel, in which post: passed to every action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from sunlight.ledger.models import Channel
from sunlight.lib.middleware import current_request_id

if TYPE_CHECKING:
    from sunlight.accounts.models import User
    from sunlight.orgs.authority import Standing


@dataclass(frozen=True)
class Actor:
    """The natural person (or the system) behind an action, and the post they act in."""

    user: User | None
    channel: Channel
    request_id: str = "-"
    standing: Standing | None = None

    @classmethod
    def of(cls, user: User | None, channel: Channel = Channel.WEB) -> Actor:
        return cls(user=user, channel=channel, request_id=current_request_id())

    @classmethod
    def from_request(cls, request: HttpRequest, channel: Channel = Channel.WEB) -> Actor:
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, channel=channel, request_id=current_request_id())

    @classmethod
    def system(cls, channel: Channel = Channel.TIMER) -> Actor:
        return cls(user=None, channel=channel, request_id=current_request_id())

    def acting_as(self, standing: Standing) -> Actor:
        # Built directly: `dataclasses.replace` inspects the fields on every call (every action).
        return Actor(self.user, self.channel, self.request_id, standing)

    def describe(self) -> dict[str, Any]:
        """The actor as written into a leaf: person, post, organisation, delegation."""
        person: dict[str, Any] | None = None
        if self.user is not None:
            person = {
                "id": self.user.pk,
                "username": self.user.username,
                "name": self.user.full_name,
            }
        described: dict[str, Any] = {"person": person, "channel": self.channel.value}
        if self.standing is not None:
            post = self.standing.post
            described["post"] = {"code": post.code, "name": post.name}
            described["organisation"] = {
                "code": post.organisation.code,
                "name": post.organisation.name,
            }
            if self.standing.delegation is not None:
                described["delegation"] = self.standing.delegation.pk
        return described
