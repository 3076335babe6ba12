from django.apps import AppConfig


class MutualaidConfig(AppConfig):
    name = "mobilisation.mutualaid"
    label = "mutualaid"
    verbose_name = "Entraide"

    def ready(self):
        from mobilisation.core import indicators

        from . import figures, tasks  # noqa: F401 (the periodic jobs register themselves)

        indicators.provider(figures.action_indicators)
