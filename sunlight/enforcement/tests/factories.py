"""The enforcement bureau (区行政综合执法局) on top of the shared personas, its process and cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.test import override_settings
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.cases import actions as case_actions
from sunlight.cases.models import Case, Step, StepState
from sunlight.checkpoints.builtin import CONSTRUCTION_WASTE, install_benchmark
from sunlight.checkpoints.models import Benchmark
from sunlight.enforcement import actions
from sunlight.enforcement.models import Evidence
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation, Post, PostKind
from sunlight.processes import actions as process_actions
from sunlight.processes.definition import load_text
from sunlight.processes.models import ProcessDefinition
from sunlight.test import Personas, assign, make_office, make_person, make_post, make_unit, system

DEFINITION = Path(__file__).resolve().parents[2] / "processes" / "definitions" / "enforcement-penalty.yaml"
PARTY = case_actions.ApplicantData(
    kind="company", name="湖南望城渣土运输有限公司", id_number="91430112MA4L7XQ25K"
)
FACTS = {"volume_m3": "12", "public_area": False, "repeat": False, "cleaned": True}  # 一般: 8,000–15,000 元


class EnforcementFields:
    zhzf: Organisation
    officer_post: Post
    law_chief_post: Post
    zhzf_leader_post: Post
    officer: User
    law_chief: User
    zhzf_leader: User
    zhzf_head: User
    benchmark: Benchmark
    definition: ProcessDefinition


def create_enforcement(cls: Any) -> None:
    """区行政综合执法局 with its law office, officers, the construction-waste benchmark and the process."""
    cls.zhzf = make_unit("区行政综合执法局")
    law = make_office(cls.zhzf, "政策法规股")
    cls.officer_post = make_post(law, PostKind.CLERK, "ZHZF-CK01", "执法队员")
    cls.law_chief_post = make_post(law, PostKind.SECTION_CHIEF, "ZHZF-SC01", "股长")
    cls.zhzf_leader_post = make_post(cls.zhzf, PostKind.LEADER_IN_CHARGE, "ZHZF-LC01", "分管副局长")
    head_post = make_post(cls.zhzf, PostKind.HEAD, "ZHZF-HD01", "局长")
    cls.officer = make_person("officer", "周志强")
    cls.law_chief = make_person("lawchief", "黄海燕")
    cls.zhzf_leader = make_person("zhzfleader", "谭建军")
    cls.zhzf_head = make_person("zhzfhead", "易文华")
    for person, post in (
        (cls.officer, cls.officer_post),
        (cls.law_chief, cls.law_chief_post),
        (cls.zhzf_leader, cls.zhzf_leader_post),
        (cls.zhzf_head, head_post),
    ):
        assign(person, post)
    cls.benchmark = install_benchmark(system(), CONSTRUCTION_WASTE, cls.zhzf)
    draft = process_actions.save_draft(system(), load_text(DEFINITION.read_text(encoding="utf-8")))
    cls.definition = process_actions.publish(system(), draft)


def open_case(fields: EnforcementFields, subject: str = "随意倾倒建筑垃圾") -> Case:
    """A case filed (立案 done), now at 调查取证 with the officer."""
    case, _code = case_actions.start_case(
        Actor.of(fields.officer),
        definition=fields.definition,
        subject=subject,
        applicant=PARTY,
        acknowledged_risks=[],
        acknowledged=True,
    )
    complete(fields, case, "register", {"location": "望城区金星北路与旺旺路交叉口", "found_on": "2026-06-12"})
    return case


def active_step(case: Case, node_id: str) -> Step:
    return case.steps.get(node_id=node_id, state=StepState.ACTIVE)


def complete(
    fields: EnforcementFields, case: Case, node_id: str, values: dict[str, Any] | None = None
) -> None:
    who = {"review": fields.law_chief, "decide": fields.zhzf_leader}.get(node_id, fields.officer)
    case_actions.complete_step(Actor.of(who), active_step(case, node_id), values=values or {})


def to_decision(fields: EnforcementFields, case: Case) -> Case:
    """Take a case at 调查取证 through review and notice to the decision step."""
    complete(fields, case, "investigate")
    complete(fields, case, "review")
    complete(fields, case, "notify", {"hearing_requested": False})
    return case


def jpeg(seed: int = 0, size: int = 600) -> bytes:
    """A small valid JPEG (Pillow comes with ReportLab)."""
    from PIL import Image

    image = Image.new("RGB", (32 + seed % 7, 24), (seed * 37 % 256, 120, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    data = out.getvalue()
    return data + b"\x00" * max(0, size - len(data))  # bytes after the end marker are ignored by viewers


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def declaration(data: bytes, case: Case | None, **changes: Any) -> actions.Declaration:
    fields: dict[str, Any] = {
        "kind": "photo",
        "size": len(data),
        "sha256": sha256(data),
        "device_time": timezone.now() - dt.timedelta(seconds=20),
        "latitude": "28.347512",
        "longitude": "112.819633",
        "accuracy_m": 8,
        "case_number": case.number if case else "",
    } | changes
    return actions.Declaration(**fields)


def evidence_for(actor: Actor, case: Case | None, data: bytes | None = None, **changes: Any) -> Evidence:
    from django.core.files.base import ContentFile

    data = data or jpeg()
    return actions.receive_whole(actor, declaration(data, case, **changes), ContentFile(data))


class MediaInTempDir:
    """Evidence files in a temporary MEDIA_ROOT for the class, removed afterwards."""

    _media_dir: str
    _media_override: override_settings

    @classmethod
    def setUpClass(cls) -> None:
        cls._media_dir = tempfile.mkdtemp(prefix="sunlight-evidence-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media_dir)
        cls._media_override.enable()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._media_override.disable()
        shutil.rmtree(cls._media_dir, ignore_errors=True)


class EnforcementTestCase(MediaInTempDir, EnforcementFields, Personas):
    """The shared personas, the enforcement bureau and evidence files in a temporary directory."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        create_enforcement(cls)
