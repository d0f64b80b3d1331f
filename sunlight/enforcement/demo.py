"""Demo data: enforcement devices of 区行政综合执法局 and a few penalty cases with evidence from the scene.

Everything goes through the actions: the devices upload their photos through the same
declare/chunk/complete steps as the API, and the decisions go through the discretion benchmark
(one within its range and concluded, one outside it waiting for the head).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.cases import actions as case_actions
from sunlight.cases.models import Case, StepState
from sunlight.checkpoints.models import Benchmark
from sunlight.enforcement import actions, decisions, devices
from sunlight.enforcement.models import Device, Evidence
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, Organisation, PostKind
from sunlight.processes.models import ProcessDefinition

DESCRIPTION = "enforcement devices and penalty cases of 区行政综合执法局 with evidence from the scene"
SEED = 2021
CODE = "ZHZF-XZCF"
# Around 望城区 (高塘岭街道): the scenes of the demo cases.
ORIGIN = (28.3475, 112.8196)


@dataclass(frozen=True)
class Scene:
    subject: str
    party: str
    party_code: str
    location: str
    photos: int
    facts: dict[str, object]
    amount_fen: int | None  # None: the case stays at 调查取证
    justification: str = ""


SCENES = (
    Scene(
        "在金星北路随意倾倒建筑垃圾",
        "湖南望城渣土运输有限公司",
        "91430112MA4L7XQ25K",
        "金星北路与旺旺路交叉口",
        3,
        {},
        None,
    ),
    Scene(
        "在雷锋大道绿化带堆放建筑垃圾",
        "长沙星辉建筑劳务有限公司",
        "91430112MA4L8B3C1D",
        "雷锋大道高塘岭段绿化带",
        2,
        {"volume_m3": 12, "public_area": False, "repeat": False, "cleaned": True},
        12_000_00,
    ),
    Scene(
        "在八曲河河道倾倒建筑垃圾",
        "望城区城北装饰工程队",
        "92430112MA4L9D5E2F",
        "八曲河月亮岛路桥下",
        2,
        {"volume_m3": 25, "public_area": True, "repeat": False, "cleaned": True},
        14_000_00,
        "当事人当日全部清理完毕、主动报告并如实陈述，经局务会集体讨论，拟减轻处罚",
    ),
)


def is_loaded() -> bool:
    return Device.objects.exists()


def _holder(unit: Organisation, kind: str, office: str | None = None) -> User | None:
    found = Assignment.objects.current().filter(post__organisation__unit=unit, post__kind=kind)
    if office:
        found = found.filter(post__organisation__name=office)
    first = found.select_related("person").order_by("post__code", "pk").first()
    return first.person if first else None


def jpeg(rng: random.Random) -> bytes:
    """A small photo of a made-up scene (Pillow comes with ReportLab)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (rng.randint(90, 140), rng.randint(90, 130), rng.randint(60, 100)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 300), rng.randint(80, 220)
        draw.rectangle((x, y, x + rng.randint(10, 60), y + rng.randint(5, 30)), fill=(150, 140, 130))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def load() -> None:
    unit = Organisation.objects.filter(abbr="ZHZF").first()
    definition = ProcessDefinition.objects.published().filter(code=CODE).first()
    if unit is None or definition is None:
        return  # the district or the process is not loaded
    rng = random.Random(SEED)
    officer = _holder(unit, PostKind.CLERK, "政策法规股")
    chief = _holder(unit, PostKind.SECTION_CHIEF, "政策法规股")
    leader = _holder(unit, PostKind.LEADER_IN_CHARGE)
    if officer is None or chief is None or leader is None:
        return
    system = Actor.system(Channel.COMMAND)
    device, _token = devices.register_device(
        system, unit=unit, code="ZHZF-ZFY-001", name="执法记录仪", holder=officer
    )
    devices.register_device(system, unit=unit, code="ZHZF-YDZF-001", name="移动执法终端", holder=officer)
    benchmark = Benchmark.objects.filter(unit=unit).order_by("code").first()
    as_device = Actor(user=device.account, channel=Channel.API)
    for number, scene in enumerate(SCENES):
        case, _code = case_actions.start_case(
            Actor.of(officer, Channel.COMMAND),
            definition=definition,
            subject=scene.subject,
            applicant=case_actions.ApplicantData(
                kind="company", name=scene.party, id_number=scene.party_code
            ),
            acknowledged_risks=[],
            acknowledged=True,
        )
        _complete(
            officer,
            case,
            "register",
            {"location": scene.location, "found_on": timezone.localdate().isoformat()},
        )
        evidence = _photos(as_device, case, scene, number, rng)
        if scene.amount_fen is None or benchmark is None:
            continue
        _complete(officer, case, "investigate", {})
        _complete(chief, case, "review", {})
        _complete(officer, case, "notify", {"hearing_requested": False})
        decisions.decide_penalty(
            Actor.of(leader, Channel.COMMAND),
            case,
            benchmark=benchmark,
            facts=scene.facts,
            amount_fen=scene.amount_fen,
            justification=scene.justification,
            reason="违法事实清楚，证据确实充分，依据《城市建筑垃圾管理规定》第二十六条作出处罚",
            evidence_ids=[e.pk for e in evidence],
        )


def _complete(person: User, case: Case, node_id: str, values: dict[str, object]) -> None:
    step = case.steps.get(node_id=node_id, state=StepState.ACTIVE)
    case_actions.complete_step(Actor.of(person, Channel.COMMAND), step, values=values)


def _photos(actor: Actor, case: Case, scene: Scene, number: int, rng: random.Random) -> list[Evidence]:
    found = []
    now = timezone.now()
    for index in range(scene.photos):
        data = jpeg(rng)
        # The first case's first photo was taken in a basement car park and queued offline.
        taken = now - (
            dt.timedelta(hours=3) if number == 0 and index == 0 else dt.timedelta(minutes=5 - index)
        )
        found.append(
            actions.receive_whole(
                actor,
                actions.Declaration(
                    kind="photo",
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    device_time=taken,
                    latitude=round(ORIGIN[0] + rng.uniform(-0.02, 0.02), 6),
                    longitude=round(ORIGIN[1] + rng.uniform(-0.02, 0.02), 6),
                    accuracy_m=rng.randint(4, 15),
                    case_number=case.number,
                    note=f"{scene.location} 现场照片 {index + 1}",
                ),
                ContentFile(data),
            )
        )
    return found
