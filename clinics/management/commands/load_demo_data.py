from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinics.demo_data import load_demo_conditions, load_demo_data
from clinics.history import attributed, command_reason

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "rockvalley-demo"


class Command(BaseCommand):
    help = "Load Rock Valley's demo clinics, services and conditions (safe to run again: it changes nothing twice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-admin",
            action="store_true",
            help=f"Also create the demo admin login {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD} (DEBUG only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with attributed(reason=command_reason("load_demo_data")):
            services, clinics = load_demo_data()
        self.stdout.write(f"Services: {services.summary()}")
        self.stdout.write(f"Clinics: {clinics.summary()}")
        self.stdout.write(f"Conditions: {load_demo_conditions().summary()}")
        if options["demo_admin"]:
            if not settings.DEBUG:
                raise CommandError("The demo admin login is for development only (DEBUG is off).")
            User = get_user_model()
            if User.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
                self.stdout.write(f"Demo admin '{DEMO_ADMIN_USERNAME}' already exists; left as it is.")
            else:
                User.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.com", DEMO_ADMIN_PASSWORD)
                self.stdout.write(f"Created demo admin: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}")
