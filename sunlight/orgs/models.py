"""Organisations, posts, who holds which post, and delegations of a post's authority."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from sunlight.accounts.models import User


class OrgKind(models.TextChoices):
    DISTRICT = "district", _("District")
    COMMISSION = "commission", _("Discipline inspection commission")
    DEPARTMENT = "department", _("District department")
    TOWNSHIP = "township", _("Township")
    SUBDISTRICT = "subdistrict", _("Sub-district")
    OFFICE = "office", _("Office")


# A unit (单位) is an organisation that owns powers, cases and a monitoring centre.
UNIT_KINDS = (OrgKind.COMMISSION, OrgKind.DEPARTMENT, OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT)


class CodeScheme(models.TextChoices):
    USCC = "uscc", _("Unified social credit code")
    DIVISION = "division", _("Administrative division code")
    INTERNAL = "internal", _("Internal code")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def units(self) -> OrganisationQuerySet:
        return self.filter(kind__in=UNIT_KINDS)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def within(self, unit_ids: set[int] | None) -> OrganisationQuerySet:
        """Organisations belonging to these units; None means the whole district."""
        if unit_ids is None:
            return self
        return self.filter(unit_id__in=unit_ids)


class Organisation(models.Model):
    """An organisation (组织机构): the district, a unit, or an office (内设科室) inside a unit."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    code_scheme = models.CharField(_("code scheme"), max_length=16, choices=CodeScheme.choices)
    name = models.CharField(_("name"), max_length=100)
    abbr = models.CharField(
        _("abbreviation"),
        max_length=8,
        blank=True,
        help_text=_("Capital letters used in power codes and case numbers, e.g. CZJ."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # The unit this organisation belongs to (itself for a unit, None for the district):
    # "units cannot see other units' data" is one indexed equality on this column.
    unit = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sort = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["abbr"], condition=~Q(abbr=""), name="orgs_unique_abbr"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit(self) -> bool:
        return self.kind in UNIT_KINDS


class PostKind(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    SECTION_CHIEF = "section_chief", _("Section chief")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader in charge")
    HEAD = "head", _("Head")
    MONITOR = "monitor", _("Monitoring centre")
    INSPECTOR = "inspector", _("Discipline inspector")
    ADMIN = "admin", _("System administrator")


# Posts that act in a unit's business (cases, funds, its own monitoring).
BUSINESS_POST_KINDS = (
    PostKind.CLERK,
    PostKind.SECTION_CHIEF,
    PostKind.LEADER_IN_CHARGE,
    PostKind.HEAD,
    PostKind.MONITOR,
)
# Posts whose holders may delegate a post's authority in their unit.
LEADER_POST_KINDS = (PostKind.LEADER_IN_CHARGE, PostKind.HEAD)


class Role(models.TextChoices):
    """What a person may open, derived from the posts they hold (never granted directly)."""

    WORKBENCH = "workbench", _("Workbench")
    MONITORING = "monitoring", _("Monitoring centre")
    SUPERVISION = "supervision", _("Supervision console")
    ADMINISTRATION = "administration", _("Administration")


ROLE_OF_POST_KIND = {
    PostKind.CLERK: Role.WORKBENCH,
    PostKind.SECTION_CHIEF: Role.WORKBENCH,
    PostKind.LEADER_IN_CHARGE: Role.WORKBENCH,
    PostKind.HEAD: Role.WORKBENCH,
    PostKind.MONITOR: Role.MONITORING,
    PostKind.INSPECTOR: Role.SUPERVISION,
    PostKind.ADMIN: Role.ADMINISTRATION,
}
# The seed's "network supervision key": these roles need a second factor.
ROLES_NEEDING_SECOND_FACTOR = (Role.SUPERVISION, Role.ADMINISTRATION)


class PostQuerySet(models.QuerySet["Post"]):
    def active(self) -> PostQuerySet:
        return self.filter(is_active=True)


class Post(models.Model):
    """A post (岗位) in an organisation; authority to act belongs to posts, not to people."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="posts", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    # For inspector posts: the units they supervise. Empty means the whole district.
    jurisdiction = models.ManyToManyField(
        Organisation, blank=True, related_name="supervising_posts", verbose_name=_("jurisdiction")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organisation__sort", "code"]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.name}"

    @property
    def unit_id(self) -> int | None:
        return self.organisation.unit_id


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self, on: dt.date | None = None) -> AssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def overlapping(self, start: dt.date, end: dt.date | None) -> AssignmentQuerySet:
        """Assignments whose validity shares at least one day with [start, end]."""
        qs = self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        if end is not None:
            qs = qs.filter(valid_from__lte=end)
        return qs


class Assignment(models.Model):
    """A person holding a post (任职) from one date to another (both inclusive)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("person"),
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("post")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("post assignment")
        verbose_name_plural = _("post assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="orgs_assignment_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["person", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post}"


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active(self, at: dt.datetime | None = None) -> DelegationQuerySet:
        moment = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=moment, ends_at__gt=moment)

    def visible_to_unit(self, unit_id: int) -> DelegationQuerySet:
        return self.filter(post__organisation__unit_id=unit_id)


class Delegation(models.Model):
    """A delegation (授权委托): a leader lets a named person use a post's authority for a period."""

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("post")
    )
    grantor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_granted",
        verbose_name=_("granted by"),
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("granted to"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="orgs_delegation_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.grantee}: {self.post}"

    def is_active(self, at: dt.datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.revoked_at is None and self.starts_at <= moment < self.ends_at


def person_label(person: User) -> str:
    return f"{person.full_name}（{person.username}）"
