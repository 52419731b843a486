"""Staff roles: the "Clinic editor" group, which keeps the clinic directory but not the staff accounts.

The group is created by a data migration (0008_clinic_editor_group) and can be brought up to date with
``manage.py setup_roles`` after new models are added to ``CLINIC_EDITOR_PERMISSIONS``: both only add
what is missing, so running them again changes nothing.
"""

from __future__ import annotations

from typing import Any

CLINIC_EDITOR = "Clinic editor"

# model (app_label.model_name) -> the actions a clinic editor may take on it. Hours rows are deleted
# when a day's hours are removed in the clinic form, so editors may delete them; clinics are retired
# rather than deleted, and services too; users, groups and sign-in records are not theirs at all.
CLINIC_EDITOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "clinics.clinic": ("add", "change", "view"),
    "clinics.openinghours": ("add", "change", "delete", "view"),
    "clinics.service": ("add", "change", "view"),
    "clinics.condition": ("add", "change", "view"),
    "clinics.specialhours": ("add", "change", "delete", "view"),
}


def ensure_clinic_editor_group(apps: Any, permissions: dict[str, tuple[str, ...]] | None = None) -> None:
    """Create the group if it is missing and give it any of its permissions it lacks (never takes any away).

    ``apps`` is a migration's historical registry or ``django.apps.apps``.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=CLINIC_EDITOR)
    for model, actions in (permissions or CLINIC_EDITOR_PERMISSIONS).items():
        app_label, model_name = model.split(".")
        codenames = [f"{action}_{model_name}" for action in actions]
        found = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(found.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"No permission {', '.join(sorted(missing))} for {model}: is its app migrated?")
        group.permissions.add(*found)
