from django.apps import AppConfig


class MutualaidConfig(AppConfig):
    name = "mobilisation.mutualaid"
    label = "mutualaid"
    verbose_name = "Entraide"

    def ready(self):
        from mobilisation.core import indicators

        from . import housing, tasks  # noqa: F401 (the periodic jobs register themselves)

        indicators.provider(housing.action_indicators)
