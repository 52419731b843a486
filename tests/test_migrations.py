"""The models and the migrations agree (a model change without its migration fails here)."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_active_clinics_become_published_and_inactive_ones_retired():
    """Migration 0011: nothing a visitor saw disappears, and nothing hidden appears."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("clinics", "0010_clinic_versions_baseline")],
        [("clinics", "0011_clinic_status_and_special_hours")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("clinics", "Clinic")
    old.objects.all().delete()
    old.objects.create(name="Open", slug="open", city="Moline", state="IL", is_active=True)
    old.objects.create(name="Shut", slug="shut", city="Moline", state="IL", is_active=False)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("clinics", "Clinic")
    assert dict(new.objects.values_list("slug", "status")) == {"open": "published", "shut": "retired"}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
