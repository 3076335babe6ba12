from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "mobilisation.territories"
    label = "territories"
    verbose_name = "Territoires"
