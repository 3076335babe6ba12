from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "mobilisation.hotline"
    label = "hotline"
    verbose_name = "Numéro vert"

    def ready(self):
        from mobilisation.core import indicators

        from . import figures, tasks  # noqa: F401 (the periodic jobs register themselves)

        indicators.provider(figures.action_indicators)
