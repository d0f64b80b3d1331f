"""Remote site supervision (S22): project sites, their cameras, scheduled inspections and check-ins."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Post


class ProjectSite(models.Model):
    """A construction site (项目工地) of a government-investment project, with its position."""

    project = models.ForeignKey(
        "funds.Project", on_delete=models.PROTECT, related_name="sites", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    # A check-in farther from the site's position than this is refused.
    radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("project site")
        verbose_name_plural = _("project sites")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="sites_site_name"),
            models.CheckConstraint(condition=Q(radius_m__gte=10), name="sites_site_radius"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.name}"


class StreamProtocol(models.TextChoices):
    RTSP = "rtsp", _("RTSP (video platform or player)")
    HLS = "hls", _("HLS (browser and phone)")
    HTTP = "http", _("HTTP stream or page")


class Camera(models.Model):
    """A site camera (工地监控摄像头): its stream address, watched from the office or a phone."""

    site = models.ForeignKey(
        ProjectSite, on_delete=models.PROTECT, related_name="cameras", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    stream_url = models.CharField(_("stream address"), max_length=500)
    protocol = models.CharField(_("protocol"), max_length=8, choices=StreamProtocol.choices)
    active = models.BooleanField(_("active"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("site camera")
        verbose_name_plural = _("site cameras")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class InspectionSchedule(models.Model):
    """A site inspection schedule (巡查计划): the post that inspects, the time window, how often."""

    site = models.ForeignKey(
        ProjectSite, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("site")
    )
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspecting post")
    )
    first_start = models.DateTimeField(_("first window opens"))
    window_hours = models.PositiveSmallIntegerField(_("window (hours)"))
    every_days = models.PositiveSmallIntegerField(_("repeat every (days)"), default=0)  # 0: once
    until = models.DateField(_("repeat until"), null=True, blank=True)
    active = models.BooleanField(default=True)
    note = models.CharField(_("what to inspect"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        ordering = ["site", "first_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_hours__gte=1) & Q(window_hours__lte=24 * 14), name="sites_schedule_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.post}"


class VisitState(models.TextChoices):
    DUE = "due", _("Awaiting check-in")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class VisitQuerySet(models.QuerySet["ScheduledVisit"]):
    def due(self) -> VisitQuerySet:
        return self.filter(state=VisitState.DUE)

    def overdue(self, at: object = None) -> VisitQuerySet:
        return self.due().filter(ends_at__lte=at or timezone.now())


class ScheduledVisit(models.Model):
    """One scheduled inspection (一次巡查): the window in which a holder of the post checks in."""

    schedule = models.ForeignKey(InspectionSchedule, on_delete=models.PROTECT, related_name="visits")
    number = models.PositiveIntegerField()
    starts_at = models.DateTimeField(_("window opens"))
    ends_at = models.DateTimeField(_("window closes"))
    state = models.CharField(_("state"), max_length=8, choices=VisitState.choices, default=VisitState.DUE)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("scheduled inspection")
        verbose_name_plural = _("scheduled inspections")
        ordering = ["starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["schedule", "number"], name="sites_visit_once")]
        indexes = [
            # The missed-inspection timer reads due visits by the end of their window, nothing else.
            models.Index(fields=["ends_at"], name="sites_visit_due", condition=Q(state="due")),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} #{self.number}"


class CheckIn(models.Model):
    """A site check-in (现场签到): the inspector's photo, taken at the site within the window."""

    visit = models.OneToOneField(
        ScheduledVisit, on_delete=models.PROTECT, null=True, blank=True, related_name="check_in"
    )
    site = models.ForeignKey(
        ProjectSite, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("site")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("inspector")
    )
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+", verbose_name=_("post"))
    photo = models.OneToOneField(
        "enforcement.Evidence", on_delete=models.PROTECT, related_name="check_in", verbose_name=_("photo")
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the site (m)"))
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    note = models.CharField(_("findings"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("site check-in")
        verbose_name_plural = _("site check-ins")
        ordering = ["-checked_in_at"]

    def __str__(self) -> str:
        return f"{self.site} · {self.inspector}"
