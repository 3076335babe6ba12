from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mobilisation.api"
    label = "api"
    verbose_name = "API"
