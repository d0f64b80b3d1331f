"""On SQLite, the leaf's sequence number becomes the table's rowid (`integer PRIMARY KEY`).

SQLite cannot change a primary key in place: Django rebuilds the table, copying every leaf as it
is, and the old table goes with its append-only triggers, which are installed again after it.
Nothing changes on PostgreSQL, whose column stays bigint.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import sunlight.ledger.models
from sunlight.ledger import triggers


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]
    operations = [
        # Backwards, the rebuild drops the triggers again: the first step puts them back.
        migrations.RunPython(migrations.RunPython.noop, install),
        migrations.AlterField(
            model_name="leaf",
            name="seq",
            field=sunlight.ledger.models.SequenceField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
