"""The hand-written SQL helpers load, insert and update exactly as the ORM would."""

from __future__ import annotations

from django.db import connection

from sunlight.cases.tests.factories import published
from sunlight.lib import rows
from sunlight.orgs.models import Organisation, OrgKind
from sunlight.processes.models import ProcessDefinition
from sunlight.test import Personas, make_district


def _row(model: type[ProcessDefinition] | type[Organisation], pk: int) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {rows.columns(model, 't')} FROM {model._meta.db_table} t WHERE t.id = %s",  # noqa: S608
            [pk],
        )
        found = cursor.fetchone()
    assert found is not None
    return tuple(found)


class RowsTests(Personas):
    def test_it_loads_datetimes_and_json_as_the_orm_does(self) -> None:
        definition = published()
        loaded = rows.instance(ProcessDefinition, _row(ProcessDefinition, definition.pk))
        expected = ProcessDefinition.objects.get(pk=definition.pk)
        for field in ProcessDefinition._meta.concrete_fields:
            self.assertEqual(getattr(loaded, field.attname), getattr(expected, field.attname), field.name)
        self.assertIsNotNone(loaded.published_at)
        self.assertIsNotNone(loaded.published_at.tzinfo)  # type: ignore[union-attr]
        self.assertIsInstance(loaded.document, dict)
        self.assertFalse(loaded._state.adding)

    def test_it_defers_the_columns_left_out(self) -> None:
        unit = self.finance
        only = ("id", "code")
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM orgs_organisation WHERE id = %s", [unit.pk])
            found = cursor.fetchone()
        loaded = rows.instance(Organisation, found, only)
        self.assertEqual(loaded.get_deferred_fields() & {"name", "abbr"}, {"name", "abbr"})
        with self.assertNumQueries(1):
            self.assertEqual(loaded.name, unit.name)

    def test_it_inserts_in_order_and_sets_the_keys(self) -> None:
        district = make_district()
        made = [
            Organisation(
                code=f"T-{n}", code_scheme="internal", name=f"科室{n}", kind=OrgKind.OFFICE, parent=district
            )
            for n in range(5)
        ]
        rows.insert(made)
        for organisation in made:
            self.assertEqual(Organisation.objects.get(pk=organisation.pk).code, organisation.code)
            self.assertFalse(organisation._state.adding)

    def test_it_updates_only_where_the_condition_holds(self) -> None:
        unit = self.finance
        self.assertEqual(rows.update(Organisation, unit.pk, {"name": "甲"}, where={"is_active": False}), 0)
        self.assertEqual(Organisation.objects.get(pk=unit.pk).name, unit.name)
        self.assertEqual(rows.update(Organisation, unit.pk, {"name": "甲"}, where={"is_active": True}), 1)
        self.assertEqual(Organisation.objects.get(pk=unit.pk).name, "甲")

    def test_it_writes_json_as_the_field_does(self) -> None:
        definition = published()
        document = {**definition.document, "注": ["一", 2, {"三": None}]}
        self.assertEqual(rows.update(ProcessDefinition, definition.pk, {"document": document}), 1)
        self.assertEqual(ProcessDefinition.objects.get(pk=definition.pk).document, document)
