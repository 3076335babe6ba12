from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mobilisation.portal"
    label = "portal"
    verbose_name = "Portail"
