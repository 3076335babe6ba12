from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mobilisation.plans"
    label = "plans"
    verbose_name = "Plans d’action"
