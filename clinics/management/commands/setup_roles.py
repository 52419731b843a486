from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from clinics.roles import CLINIC_EDITOR, CLINIC_EDITOR_PERMISSIONS, ensure_clinic_editor_group


class Command(BaseCommand):
    help = (
        f"Create the “{CLINIC_EDITOR}” group, or give it the permissions it lacks (clinics/roles.py). "
        "Safe to run again: it never removes a permission."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_clinic_editor_group(apps)
        models = ", ".join(sorted(CLINIC_EDITOR_PERMISSIONS))
        self.stdout.write(f"The “{CLINIC_EDITOR}” group can edit: {models}.")
