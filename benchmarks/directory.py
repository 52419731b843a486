r"""A synthetic clinic directory of any size, for the benchmarks and for trying a server at scale.

Clinics are scattered around real US ZIP centres (in the 48 contiguous states) and carry that ZIP's
city, state, ZIP code and time zone, so pages grouped by state look as they would with a real chain
of that size. Every one is plainly marked as synthetic: its name ("Synthetic clinic 000123"), its
slug (``synthetic-000123``), a notice visitors see and a staff note; its services are
"Synthetic service 0" to "7". Each offers two services and opens 8 AM to 5 PM on weekdays.

Loading replaces the synthetic clinics and services loaded before and leaves every other row alone,
so it can run beside the demo data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/locator_big \
        .venv/bin/python benchmarks/directory.py --clinics 100000

migrates the database DATABASE_URL names (the project's db.sqlite3 without it), then loads the
clinics. The settings read .env as the site does (ENV_FILE=/dev/null reads none).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SLUG_PREFIX = "synthetic-"
SERVICE_SLUG_PREFIX = "synthetic-service-"
SERVICES = 8
# At most this many distinct ZIP centres; clinics beyond it share them (each placed at its own random offset).
MAX_CENTRES = 20_000
BATCH = 2000
NOTICE = "Synthetic clinic for load testing: not a real location."


class ZipCentre(NamedTuple):
    latitude: float
    longitude: float
    zip_code: str
    city: str
    state: str
    timezone: str


def us_zip_centres(rng: random.Random, count: int) -> list[ZipCentre]:
    """``count`` random real ZIP centres in the 48 contiguous states, where people live."""
    import zipcodes

    rows = [
        ZipCentre(float(z["lat"]), float(z["long"]), z["zip_code"], z["city"], z["state"], z["timezone"])
        for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD" and z["state"] not in {"AK", "HI", "PR", "GU", "VI", "AS", "MP"}
    ]
    return rng.sample(rows, count)


def us_origins(rng: random.Random, count: int) -> list[tuple[float, float]]:
    """Random points where people live (real ZIP centres), as (latitude, longitude)."""
    return [(centre.latitude, centre.longitude) for centre in us_zip_centres(rng, count)]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def delete_synthetic() -> int:
    """Delete the synthetic clinics (with their hours and services) loaded before; returns how many.

    Plain SQL in dependency order: the ORM's cascade would read every clinic into memory first.
    """
    from django.db import connection, transaction

    from clinics.models import Clinic, OpeningHours, Service

    quote = connection.ops.quote_name
    clinics, hours = quote(Clinic._meta.db_table), quote(OpeningHours._meta.db_table)
    links, services = quote(Clinic.services.through._meta.db_table), quote(Service._meta.db_table)
    synthetic_clinics = f"SELECT id FROM {clinics} WHERE slug LIKE %s"
    synthetic_services = f"SELECT id FROM {services} WHERE slug LIKE %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {clinics} WHERE slug LIKE %s", [SLUG_PREFIX + "%"])
        (count,) = cursor.fetchone()
        cursor.execute(f"DELETE FROM {hours} WHERE clinic_id IN ({synthetic_clinics})", [SLUG_PREFIX + "%"])
        cursor.execute(
            f"DELETE FROM {links} WHERE clinic_id IN ({synthetic_clinics}) OR service_id IN ({synthetic_services})",
            [SLUG_PREFIX + "%", SERVICE_SLUG_PREFIX + "%"],
        )
        cursor.execute(f"DELETE FROM {clinics} WHERE slug LIKE %s", [SLUG_PREFIX + "%"])
        cursor.execute(f"DELETE FROM {services} WHERE slug LIKE %s", [SERVICE_SLUG_PREFIX + "%"])
    return int(count)


def load_clinics(n: int, rng: random.Random) -> None:
    """Replace the synthetic clinics with ``n`` new ones (services and weekday hours included).

    The random draws come in a fixed order (centres, then each clinic's offset, then each
    clinic's services), so one seed always gives the same directory.
    """
    from datetime import time as dtime

    from django.db import connection, transaction

    from clinics.models import Clinic, OpeningHours, Service

    try:
        from clinics.editing import directory_changed
    except ImportError:  # a checkout from before directory_changed, benchmarked for comparison
        from clinics.search.ranking import directory

        directory_changed = directory.forget

    delete_synthetic()
    services = [
        Service.objects.create(name=f"Synthetic service {i}", slug=f"{SERVICE_SLUG_PREFIX}{i}") for i in range(SERVICES)
    ]
    centres = us_zip_centres(rng, min(n, MAX_CENTRES))
    with transaction.atomic():
        for start in range(0, n, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, n)):
                centre = centres[i % len(centres)]
                batch.append(
                    Clinic(
                        name=f"Synthetic clinic {i:06d}",
                        slug=f"{SLUG_PREFIX}{i:06d}",
                        city=centre.city,
                        state=centre.state,
                        zip_code=centre.zip_code,
                        latitude=round(centre.latitude + rng.uniform(-0.05, 0.05), 6),
                        longitude=round(centre.longitude + rng.uniform(-0.05, 0.05), 6),
                        location_source="manual",
                        timezone=centre.timezone or "America/Chicago",
                        schedule_url=f"https://schedule.example.com/{SLUG_PREFIX}{i:06d}",
                        notice=NOTICE,
                        status="published",  # written straight to the table: it has what publishing needs but a phone
                        internal_notes="Synthetic: loaded by benchmarks/directory.py; every value is made up.",
                    )
                )
            Clinic.objects.bulk_create(batch)
        ids = list(Clinic.objects.filter(slug__startswith=SLUG_PREFIX).order_by("pk").values_list("pk", flat=True))
        for chunk in _chunks(ids, BATCH):
            Clinic.services.through.objects.bulk_create(
                Clinic.services.through(clinic_id=pk, service_id=s.pk) for pk in chunk for s in rng.sample(services, 2)
            )
        for chunk in _chunks(ids, BATCH):
            OpeningHours.objects.bulk_create(
                OpeningHours(clinic_id=pk, weekday=d, opens=dtime(8), closes=dtime(17))
                for pk in chunk
                for d in range(5)
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    directory_changed()  # bulk-loaded past clinics/editing.py's writers, so tell what they would have told


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinics", type=int, required=True, help="how many synthetic clinics to load")
    parser.add_argument("--seed", type=int, default=42, help="the same seed loads the same directory")
    args = parser.parse_args()
    if args.clinics < 0:
        parser.error("--clinics must be 0 or more")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "locator.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load_clinics(args.clinics, random.Random(args.seed))
    print(
        f"Loaded {args.clinics:,} synthetic clinics into {connection.vendor} ({connection.settings_dict['NAME']}) "
        f"in {time.perf_counter() - start:.1f} s."
    )


if __name__ == "__main__":
    main()
