"""Demo data: the discretion benchmarks of the water bureau and the enforcement bureau, and an
example approval rule. The built-in fund and change-order rules come with migration 0002."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sunlight.checkpoints import actions
from sunlight.checkpoints.builtin import BENCHMARKS, RIVER_WORKS, install_benchmark
from sunlight.checkpoints.kinds import NodeKind, Severity
from sunlight.checkpoints.models import Benchmark
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation

DESCRIPTION = "discretion benchmarks (river works, construction waste) and an example approval rule"
SINCE = dt.date(2016, 1, 1)


def is_loaded() -> bool:
    return Benchmark.objects.filter(code=RIVER_WORKS["code"]).exists()


@transaction.atomic
def load() -> None:
    actor = Actor.system(Channel.COMMAND)
    for spec in BENCHMARKS:
        unit = Organisation.objects.filter(abbr=spec["unit"]).first()
        if unit is not None:
            install_benchmark(actor, spec, unit, SINCE)
    # For the water-abstraction permit (取水许可): an approval needs the assessment report.
    # A process step names it with `checkpoints: [APPROVAL-ASSESSMENT]`.
    actions.create_rule(
        actor,
        code="APPROVAL-ASSESSMENT",
        node_kind=NodeKind.ADMINISTRATIVE_APPROVAL,
        name="准予取水许可须有水资源论证报告",
        expression="decision != 'approve' || (has(case.data.assessment) && case.data.assessment == true)",
        message="申请人未提交建设项目水资源论证报告，不得准予取水许可。",
        legal_basis="《取水许可和水资源费征收管理条例》第十一条（申请取水应当提交建设项目水资源论证报告）",
        severity=Severity.BLOCK,
        effective_from=SINCE,
        effective_until=None,
        params={},
        note="演示规则",
    )
