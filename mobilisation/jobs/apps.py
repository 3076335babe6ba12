from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "mobilisation.jobs"
    label = "jobs"
    verbose_name = "Tâches de fond"

    def ready(self):
        # Every app's tasks.py declares its tasks (and periodic tasks): imported at start, so that the registry the
        # page, the runner and enqueue_periodic read is complete in every process (web, worker, cron).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
