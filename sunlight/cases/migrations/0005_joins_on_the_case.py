"""A parallel join's waiting branches move from their own table onto the case row."""

from typing import Any

from django.db import migrations, models


def move_arrivals(apps: Any, schema_editor: Any) -> None:
    arrival = apps.get_model("cases", "JoinArrival")
    case = apps.get_model("cases", "Case")
    waiting: dict[int, dict[str, list[str]]] = {}
    for case_id, gateway, source in arrival.objects.order_by("case_id", "gateway_id", "source_id").values_list(
        "case_id", "gateway_id", "source_id"
    ):
        waiting.setdefault(case_id, {}).setdefault(gateway, []).append(source)
    for case_id, joins in waiting.items():
        case.objects.filter(pk=case_id).update(joins=joins)


def restore_arrivals(apps: Any, schema_editor: Any) -> None:
    arrival = apps.get_model("cases", "JoinArrival")
    case = apps.get_model("cases", "Case")
    arrival.objects.bulk_create(
        arrival(case_id=case_id, gateway_id=gateway, source_id=source)
        for case_id, joins in case.objects.exclude(joins={}).values_list("id", "joins")
        for gateway, sources in joins.items()
        for source in sources
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_step_indexes_where_set"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="joins",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(move_arrivals, restore_arrivals),
        migrations.DeleteModel(
            name="JoinArrival",
        ),
    ]
