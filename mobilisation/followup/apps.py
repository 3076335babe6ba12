from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "mobilisation.followup"
    verbose_name = "Suivi des personnes fragiles"

    def ready(self):
        from mobilisation.core import indicators

        from . import figures, tasks  # noqa: F401 (the veille's periodic round job registers itself)

        indicators.provider(figures.action_indicators)
