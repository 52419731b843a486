"""On PostgreSQL, a GiST index on each clinic's point, for the nearest search's bounding box.

Built-in geometric types only (no PostGIS). The composite latitude/longitude B-tree still
serves SQLite; on PostgreSQL it scanned a whole latitude band at 100,000 clinics
(docs/performance.md). The expression must match clinics/search/box.py exactly.
"""

from django.db import migrations

INDEX = "clinic_point_gist_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON clinics_clinic "
            "USING gist (point(longitude::float8, latitude::float8))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clinics", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
