from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Clinics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Explicit registration: the project uses SimpleAdminConfig (no autodiscovery).
        from clinics import admin, condition_admin  # noqa: F401
