from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from sunlight.powers import schema


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.install(schema_editor.connection)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema.remove(schema_editor.connection)


class Migration(migrations.Migration):
    """Vendor-specific: the trigram search index (SQLite FTS5 / PostgreSQL pg_trgm) and the
    triggers refusing changes to published versions. See sunlight/powers/schema.py."""

    dependencies = [("powers", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
