"""Sites and cameras shown to inspectors; scheduled inspections, check-ins, and the missed-inspection alarm."""

import datetime as dt
from typing import Any

import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.enforcement.tests.factories import MediaInTempDir, evidence_for, jpeg
from sunlight.funds.models import Project
from sunlight.funds.tests.factories import build_water_funds, make_project
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import Post
from sunlight.sites import actions
from sunlight.sites.models import CheckIn, ProjectSite, ScheduledVisit, StreamProtocol, VisitState
from sunlight.sites.timers import missed_inspections
from sunlight.test import Personas

T0 = dt.datetime(2026, 6, 15, 0, 0, tzinfo=dt.UTC)  # 08:00 in 望城
SITE = {"latitude": "28.347512", "longitude": "112.819633"}
NEAR = {"latitude": "28.348000", "longitude": "112.820000"}  # about 65 m away
FAR = {"latitude": "28.360000", "longitude": "112.840000"}  # about 2.4 km away


@override_settings(LANGUAGE_CODE="en")
class SiteSupervisionTests(MediaInTempDir, Personas):
    pm: User
    supervisor: User
    supervisor_post: Post
    project: Project
    site: ProjectSite

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_water_funds(cls)
        with time_machine.travel(T0, tick=False):
            cls.project = make_project(cls.pm, cls.water)
            cls.site = actions.add_site(
                Actor.of(cls.pm),
                cls.project,
                name="1号标段工地",
                address="望城区沩水大堤K3+200",
                latitude=SITE["latitude"],
                longitude=SITE["longitude"],
            )

    def schedule(self, every_days: int = 7) -> Any:
        with time_machine.travel(T0, tick=False):
            return actions.schedule_inspections(
                self.as_actor(self.pm),
                self.site,
                post=self.supervisor_post,
                first_start=T0 + dt.timedelta(hours=1),
                window_hours=8,
                every_days=every_days,
                note="检查堤身填筑质量和现场管理人员到岗",
            )

    def photo(self, at: dt.datetime, position: dict[str, str], seed: int = 1) -> Any:
        return evidence_for(self.as_actor(self.supervisor), None, jpeg(seed), device_time=at, **position)

    def test_it_registers_cameras_and_shows_them_to_inspectors_on_the_project_page(self) -> None:
        rtsp = actions.register_camera(
            self.as_actor(self.pm),
            self.site,
            name="大门口",
            stream_url="rtsp://10.43.12.21:554/Streaming/Channels/101",
        )
        hls = actions.register_camera(
            self.as_actor(self.pm),
            self.site,
            name="堤身作业面",
            stream_url="https://video.wangcheng.example/live/k3.m3u8",
        )
        self.assertEqual((rtsp.protocol, hls.protocol), (StreamProtocol.RTSP, StreamProtocol.HLS))
        for bad in ("ftp://10.0.0.1/x", "rtsp://", "javascript:alert(1)", "http://host/a b"):
            with self.subTest(bad), self.assertRaises(ValidationError):
                actions.register_camera(self.as_actor(self.pm), self.site, name="x", stream_url=bad)
        with self.assertRaises(Refused):
            actions.register_camera(
                self.as_actor(self.clerk), self.site, name="x", stream_url="rtsp://10.0.0.9/1"
            )
        self.login(self.inspector, verified=True)
        page = self.client.get(reverse("sites:project", args=[self.project.pk]))
        self.assertContains(page, "rtsp://10.43.12.21:554/Streaming/Channels/101")
        self.assertContains(page, "1号标段工地")
        self.assertTrue(Leaf.objects.filter(action="sites.read", actor_id=self.inspector.pk).exists())
        api = self.client.get(f"/api/v1/sites/projects/{self.project.pk}").json()
        self.assertEqual([c["name"] for c in api["sites"][0]["cameras"]], ["堤身作业面", "大门口"])
        self.login(self.clerk)  # another unit's staff
        self.assertEqual(self.client.get(reverse("sites:project", args=[self.project.pk])).status_code, 404)

    def test_it_checks_in_with_a_photo_taken_at_the_site_within_the_window(self) -> None:
        self.schedule()
        visit = ScheduledVisit.objects.get()
        at = T0 + dt.timedelta(hours=2)
        with time_machine.travel(at, tick=False):
            far = self.photo(at, FAR, 1)
            with self.assertRaisesMessage(ValidationError, "from the site"):
                actions.check_in(self.as_actor(self.supervisor), visit, photo=far)
            early = self.photo(T0, NEAR, 2)
            with self.assertRaisesMessage(ValidationError, "within the inspection window"):
                actions.check_in(self.as_actor(self.supervisor), visit, photo=early)
            with self.assertRaises(Refused):
                actions.check_in(self.as_actor(self.pm), visit, photo=self.photo(at, NEAR, 3))
            done = actions.check_in(
                self.as_actor(self.supervisor), visit, photo=self.photo(at, NEAR, 4), note="正常"
            )
        self.assertLess(done.distance_m, 100)
        visit.refresh_from_db()
        self.assertEqual(visit.state, VisitState.DONE)
        following = ScheduledVisit.objects.get(number=2)
        self.assertEqual(following.starts_at, T0 + dt.timedelta(days=7, hours=1))
        with time_machine.travel(T0 + dt.timedelta(hours=10), tick=False):
            self.assertEqual(missed_inspections(), 0)
        self.assertFalse(Alarm.objects.filter(kind=AlarmKind.SITE_INSPECTION_MISSED).exists())

    def test_it_raises_one_alarm_for_a_missed_scheduled_inspection(self) -> None:
        self.schedule()
        with time_machine.travel(T0 + dt.timedelta(hours=8, minutes=59), tick=False):
            self.assertEqual(missed_inspections(), 0)  # the window is still open
        with time_machine.travel(T0 + dt.timedelta(hours=9, minutes=1), tick=False):
            self.assertEqual(missed_inspections(), 1)
            self.assertEqual(missed_inspections(), 0)  # a second round (or another node) adds nothing
        alarm = Alarm.objects.get(kind=AlarmKind.SITE_INSPECTION_MISSED)
        visit = ScheduledVisit.objects.get(number=1)
        self.assertEqual(
            (alarm.level, alarm.unit, alarm.subject_id), (AlarmLevel.RED, self.water, str(visit.pk))
        )
        self.assertIn("1号标段工地", alarm.message)
        self.assertEqual(visit.state, VisitState.MISSED)
        self.assertEqual(ScheduledVisit.objects.get(number=2).state, VisitState.DUE)  # next week's
        self.assertTrue(Leaf.objects.filter(action="sites.inspection_missed").exists())

    def test_it_checks_in_from_the_page_without_javascript(self) -> None:
        self.schedule(every_days=0)
        visit = ScheduledVisit.objects.get()
        self.login(self.supervisor)
        with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
            self.assertContains(
                self.client.get(reverse("sites:index")), reverse("sites:check_in", args=[visit.pk])
            )
            response = self.client.post(
                reverse("sites:check_in", args=[visit.pk]),
                {
                    "photo": SimpleUploadedFile("site.jpg", jpeg(9), content_type="image/jpeg"),
                    "note": "人员到岗",
                }
                | NEAR,
            )
        self.assertRedirects(response, reverse("sites:project", args=[self.project.pk]))
        check_in = CheckIn.objects.get()
        self.assertEqual((check_in.inspector, check_in.photo.case), (self.supervisor, None))
        self.assertFalse(ScheduledVisit.objects.filter(number=2).exists())  # once only

    def test_it_checks_in_through_the_api(self) -> None:
        self.schedule()
        visit = ScheduledVisit.objects.get()
        at = T0 + dt.timedelta(hours=4)
        self.login(self.supervisor)
        with time_machine.travel(at, tick=False):
            mine = self.client.get("/api/v1/sites/visits").json()
            self.assertEqual([v["id"] for v in mine], [visit.pk])
            photo = self.photo(at, NEAR, 7)
            response = self.client.post(
                f"/api/v1/sites/visits/{visit.pk}/check-in",
                {"evidence": photo.pk},
                content_type="application/json",
            )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["photo_sha256"], photo.sha256)

    def test_it_lets_the_project_manager_register_sites_cameras_and_schedules_on_the_page(self) -> None:
        self.login(self.pm)
        project = reverse("sites:project", args=[self.project.pk])
        self.assertContains(self.client.get(project), "Register a site")
        response = self.client.post(
            reverse("sites:add_site", args=[self.project.pk]),
            {
                "name": "2号标段工地",
                "address": "沩水大堤K5+100",
                "latitude": "28.36",
                "longitude": "112.83",
                "radius_m": "300",
            },
        )
        self.assertRedirects(response, project)
        site = ProjectSite.objects.get(name="2号标段工地")
        self.client.post(
            reverse("sites:add_camera", args=[site.pk]), {"name": "大门", "stream_url": "ftp://x/y"}
        )
        self.assertFalse(site.cameras.exists())
        self.client.post(
            reverse("sites:add_camera", args=[site.pk]),
            {"name": "大门", "stream_url": "rtsp://10.43.1.9/ch1"},
        )
        self.assertEqual(site.cameras.get().protocol, StreamProtocol.RTSP)
        response = self.client.post(
            reverse("sites:add_schedule", args=[site.pk]),
            {
                "post": self.supervisor_post.pk,
                "first_start": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT09:00"),
                "window_hours": "8",
                "every_days": "7",
            },
        )
        self.assertRedirects(response, project)
        self.assertEqual(ScheduledVisit.objects.filter(schedule__site=site).count(), 1)
        self.assertContains(self.client.get(project), "rtsp://10.43.1.9/ch1")
