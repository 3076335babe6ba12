from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mobilisation.audit"
    verbose_name = "Journal des accès"
