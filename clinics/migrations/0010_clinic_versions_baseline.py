"""A first version of every clinic already in the database, so its first recorded change shows what it was before.

Written here rather than with clinics/history.py: a migration sees the models as they were at this point.
"""

from django.db import migrations
from django.utils import timezone

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
REASON = "history started"


def record_baseline(apps, schema_editor):
    Clinic = apps.get_model("clinics", "Clinic")
    Version = apps.get_model("clinics", "HistoricalClinic")
    Offered = apps.get_model("clinics", "HistoricalClinic_services")
    Through = Clinic._meta.get_field("services").remote_field.through
    clinic_fields = {field.attname for field in Clinic._meta.concrete_fields}
    tracked = [field.attname for field in Version._meta.concrete_fields if field.attname in clinic_fields]
    already = set(Version.objects.values_list("id", flat=True))
    now = timezone.now()
    for clinic in Clinic.objects.exclude(pk__in=already).prefetch_related("hours").iterator(chunk_size=500):
        week = sorted(clinic.hours.all(), key=lambda interval: (interval.weekday, interval.opens))
        version = Version.objects.create(
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
            hours="; ".join(f"{DAYS[i.weekday]} {i.opens:%H:%M}-{i.closes:%H:%M}" for i in week),
            **{name: getattr(clinic, name) for name in tracked},
        )
        Offered.objects.bulk_create(
            Offered(history=version, id=row.id, clinic_id=row.clinic_id, service_id=row.service_id)
            for row in Through.objects.filter(clinic_id=clinic.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0009_clinic_versions"),
    ]

    operations = [
        migrations.RunPython(record_baseline, migrations.RunPython.noop),
    ]
