from django.apps import AppConfig


class DemandConfig(AppConfig):
    """Where patients search and whether they find a clinic near: counters only, never a visit (see models.py)."""

    name = "demand"
    verbose_name = "Search demand"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Explicit registration: the project uses SimpleAdminConfig (no autodiscovery).
        from demand import admin  # noqa: F401
        from demand.recording import connect

        connect()  # write the counts after responses and at exit
