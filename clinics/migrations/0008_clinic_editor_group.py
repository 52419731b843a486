"""The "Clinic editor" group: may add, change and view clinics, their hours and services; not users or groups.

Permissions are normally created after all migrations have run; they are created here first, so the
group can be given them on a fresh database. Running it again adds nothing twice.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# As in clinics/roles.py when this migration was written (a migration keeps its own copy: the list may grow).
PERMISSIONS = {
    "clinics.clinic": ("add", "change", "view"),
    "clinics.openinghours": ("add", "change", "delete", "view"),
    "clinics.service": ("add", "change", "view"),
    "clinics.condition": ("add", "change", "view"),
}


def create_group(apps, schema_editor):
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
        ("clinics", "0007_condition_catalogue"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
