"""Every change to a clinic's hours or services bumps its updated_at.

The search caches each clinic's details under (id, updated_at) (clinics/search_sql.py), so
a change that left updated_at alone would leave visitors seeing old hours.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from clinics.models import Clinic, OpeningHours, Service
from clinics.search import forget_directory_size


def touch_clinics(*pks: int) -> None:
    Clinic.objects.filter(pk__in=pks).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=OpeningHours)
def hours_changed(sender: Any, instance: OpeningHours, **kwargs: Any) -> None:
    touch_clinics(instance.clinic_id)


@receiver(m2m_changed, sender=Clinic.services.through)
def services_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if not reverse:
        if action.startswith("post_"):
            touch_clinics(instance.pk)
        return
    # service.clinics.add/remove/clear(...): instance is the service. A clear names no clinics,
    # so note them before it and touch them after.
    if action == "pre_clear":
        instance._clinics_before_clear = list(instance.clinics.values_list("pk", flat=True))
    elif action == "post_clear":
        touch_clinics(*getattr(instance, "_clinics_before_clear", []))
    elif action.startswith("post_"):
        touch_clinics(*(pk_set or ()))


@receiver(post_save, sender=Service)
def service_renamed(sender: Any, instance: Service, created: bool, **kwargs: Any) -> None:
    if not created:
        touch_clinics(*instance.clinics.values_list("pk", flat=True))


@receiver(pre_delete, sender=Service)
def service_deleted(sender: Any, instance: Service, **kwargs: Any) -> None:
    # Deleting a service removes its clinic links without an m2m signal; the clinics still change.
    touch_clinics(*instance.clinics.values_list("pk", flat=True))


@receiver([post_save, post_delete], sender=Clinic)
def clinic_saved(sender: Any, **kwargs: Any) -> None:
    forget_directory_size()
