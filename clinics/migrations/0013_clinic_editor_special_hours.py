"""The "Clinic editor" group may also keep clinics' special hours (holidays, closures): see them, add, change and
remove them on a clinic's page, as they may already add them to many clinics at once from the list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# As in clinics/roles.py when this migration was written (a migration keeps its own copy: the list may grow).
PERMISSIONS = {"clinics.specialhours": ("add", "change", "delete", "view")}


def add_permissions(apps, schema_editor):
    from clinics.roles import ensure_clinic_editor_group

    app_config = apps.get_app_config("clinics")
    app_config.models_module = True  # a historical app: create_permissions skips apps without a models module
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    ensure_clinic_editor_group(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinics", "0012_clinic_versions_follow_status"),
    ]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
