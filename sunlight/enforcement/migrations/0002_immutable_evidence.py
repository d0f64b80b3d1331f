from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from sunlight.enforcement import triggers


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.install(schema_editor.connection)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    """Triggers refusing UPDATE and DELETE of evidence and its uses (sunlight/enforcement/triggers.py)."""

    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
