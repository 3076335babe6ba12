from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mobilisation.audit"
    verbose_name = "Journal des accès"

    def ready(self):
        from . import tasks  # noqa: F401 (the daily purge registers itself)
