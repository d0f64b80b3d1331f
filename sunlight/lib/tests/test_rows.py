"""The hand-written SQL helpers load, insert and update exactly as the ORM would."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import zoneinfo
from unittest import mock

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.transaction import TransactionManagementError

from sunlight.cases.models import Case, Step
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

    def test_it_prepares_values_the_quick_way_as_their_fields_do(self) -> None:
        # On SQLite plain values, JSON and UTC datetimes skip their fields' preparation; the
        # result must be what the fields give, on whichever database runs the test (JSON: the
        # same value, its text compact and unescaped where the field spaces and escapes it).
        now = dt.datetime(2026, 10, 8, 1, 2, 3, 456789, tzinfo=dt.UTC)
        local = now.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
        cases: list[tuple[type[models.Model], str, object]] = [
            (Step, "name", "受理"),
            (Step, "completed_by_id", None),
            (Step, "form_data", {"金额": 1200, "列": [1, "二", None]}),
            (Step, "form_data", []),
            (Step, "activated_at", now),
            (Step, "activated_at", local),  # not UTC: through the field
            (Step, "completed_at", None),
            (Case, "data", {"a": {"b": True}}),
        ]
        for model, name, value in cases:
            with self.subTest(model=model.__name__, name=name, value=value):
                field = model._meta.get_field(name)
                assert isinstance(field, models.Field)
                # PostgreSQL wraps JSON in psycopg's Jsonb, which compares by identity.
                quick = rows._prepare(connection, model, field.attname, value, saving=True)
                slow = field.get_db_prep_save(value, connection)
                if isinstance(field, models.JSONField) and connection.vendor == "sqlite":
                    self.assertEqual(json.loads(quick), json.loads(slow))
                else:
                    self.assertEqual(getattr(quick, "obj", quick), getattr(slow, "obj", slow))
                self.assertIs(type(quick), type(slow))
        # What the field refuses, the quick way leaves to the field.
        for refused in ({"at": now}, {1: "a"}, [2**64]):
            with self.subTest(refused=refused):
                if connection.vendor == "sqlite":
                    self.assertIs(rows._quick(connection, rows.JSON, refused), rows._SLOW)
        self.assertEqual(rows.moment(connection, now), connection.ops.adapt_datetimefield_value(now))

    def test_it_builds_new_instances_as_the_model_does(self) -> None:
        built = rows.build(
            Organisation, code="X-1", name="甲", kind=OrgKind.OFFICE, parent_id=self.finance.pk
        )
        expected = Organisation(code="X-1", name="甲", kind=OrgKind.OFFICE, parent_id=self.finance.pk)
        for field in Organisation._meta.concrete_fields:
            self.assertEqual(getattr(built, field.attname), getattr(expected, field.attname), field.name)
        self.assertTrue(built._state.adding)
        self.assertEqual(built.parent, self.finance)  # the relation loads through its id
        saved = rows.saved(
            Organisation,
            **{f.attname: getattr(self.finance, f.attname) for f in Organisation._meta.concrete_fields},
        )
        self.assertFalse(saved._state.adding)
        self.assertEqual(saved, self.finance)
        with self.assertRaises(TypeError):
            rows.build(Organisation, colour="red")

    def test_it_attaches_the_object_a_foreign_key_points_to_as_setting_it_does(self) -> None:
        child = Organisation.objects.filter(parent__isnull=False).first()
        assert child is not None and child.parent_id is not None
        parent = Organisation.objects.get(pk=child.parent_id)
        loaded = rows.instance(Organisation, _row(Organisation, child.pk))
        rows.attach(loaded, "parent", parent)
        with self.assertNumQueries(0):
            self.assertIs(loaded.parent, parent)
        self.assertEqual(loaded.parent_id, parent.pk)
        set_through_the_descriptor = rows.instance(Organisation, _row(Organisation, child.pk))
        set_through_the_descriptor.parent = parent
        self.assertEqual(loaded._state.fields_cache, set_through_the_descriptor._state.fields_cache)


class StatementTests(Personas):
    """`fetchone`/`fetchall`/`execute`: straight to SQLite's driver unless someone is watching."""

    def test_it_uses_the_connection_django_gives_this_thread(self) -> None:
        self.assertIs(rows.db(), connections[DEFAULT_DB_ALIAS])
        self.assertIs(rows.db(), rows.db())
        elsewhere: list[object] = []

        def in_another_thread() -> None:
            elsewhere.extend([rows.db(), connections[DEFAULT_DB_ALIAS]])
            connections.close_all()

        worker = threading.Thread(target=in_another_thread)
        worker.start()
        worker.join()
        self.assertIs(elsewhere[0], elsewhere[1])
        self.assertIsNot(elsewhere[0], rows.db())

        async def in_an_event_loop() -> object:
            return rows.db()

        # Inside an event loop Django's lookup answers (a task may have a connection of its own).
        with mock.patch.object(rows, "connections", {DEFAULT_DB_ALIAS: "the loop's"}):
            self.assertEqual(asyncio.run(in_an_event_loop()), "the loop's")
            self.assertIs(rows.db(), connections[DEFAULT_DB_ALIAS])

    def test_it_reads_and_writes_with_format_placeholders(self) -> None:
        unit = self.finance
        self.assertEqual(
            rows.fetchone("SELECT name FROM orgs_organisation WHERE id = %s", [unit.pk]), (unit.name,)
        )
        self.assertEqual(
            rows.execute("UPDATE orgs_organisation SET name = %s WHERE id = %s", ["乙", unit.pk]), 1
        )
        self.assertEqual(
            rows.fetchall("SELECT name FROM orgs_organisation WHERE id = %s", [unit.pk]), [("乙",)]
        )
        # A literal percent sign survives the placeholder conversion as it does in Django's wrapper.
        self.assertEqual(rows.fetchone("SELECT 'a%%b' || %s", ["c"]), ("a%bc",))

    def test_it_goes_straight_to_the_sqlite_driver_when_nobody_watches(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL statements always go through Django's cursor")
        wrapper = rows.db()
        with mock.patch.object(wrapper, "cursor", side_effect=AssertionError("Django's cursor used")):
            self.assertEqual(rows.fetchone("SELECT %s + 1", [1]), (2,))

    def test_it_shows_every_statement_to_query_counters(self) -> None:
        with self.assertNumQueries(2):
            rows.fetchone("SELECT 1")
            rows.execute("UPDATE orgs_organisation SET name = name WHERE id = %s", [self.finance.pk])

    def test_it_shows_every_statement_to_execute_wrappers(self) -> None:
        seen: list[str] = []

        def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            rows.fetchall("SELECT id FROM orgs_organisation WHERE id = %s", [self.finance.pk])
        self.assertEqual(seen, ["SELECT id FROM orgs_organisation WHERE id = %s"])

    def test_it_raises_django_errors_and_keeps_the_transaction_rule(self) -> None:
        unit = self.finance
        with self.assertRaises(IntegrityError), transaction.atomic():
            rows.execute("UPDATE orgs_organisation SET code = NULL WHERE id = %s", [unit.pk])
        with transaction.atomic():
            try:
                with transaction.atomic(savepoint=False):
                    rows.execute("UPDATE orgs_organisation SET code = NULL WHERE id = %s", [unit.pk])
            except IntegrityError:
                pass
            # As with Django's cursor: after an error in an atomic block, nothing more runs in it.
            with self.assertRaises(TransactionManagementError):
                rows.fetchone("SELECT 1")

    def test_it_inserts_plain_rows(self) -> None:
        district = make_district()
        before = Organisation.objects.count()
        rows.insert_values(
            Organisation._meta.db_table,
            ("code", "code_scheme", "name", "abbr", "kind", "parent_id", "sort", "is_active"),
            [(f"V-{n}", "internal", f"科室{n}", "", OrgKind.OFFICE, district.pk, n, True) for n in range(3)],
        )
        self.assertEqual(Organisation.objects.count(), before + 3)
        self.assertEqual(Organisation.objects.get(code="V-2").parent, district)
        with self.assertNumQueries(0):
            rows.insert_values(Organisation._meta.db_table, ("code",), [])  # nothing to write
