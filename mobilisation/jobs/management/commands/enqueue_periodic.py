"""Run every minute (make run's loop, cron or a systemd timer): enqueues the periodic tasks due, once per period."""

from django.core.management.base import BaseCommand

from mobilisation.jobs.services import enqueue_periodic


class Command(BaseCommand):
    help = "Met en file les tâches périodiques dues (une fois par période) et les nouvelles tentatives échues."

    def handle(self, *args, **options):
        enqueued, handed_over = enqueue_periodic()
        for name in enqueued:
            self.stdout.write(f"Tâche périodique mise en file : {name}")
        if handed_over:
            self.stdout.write(f"Tentatives remises en file : {handed_over}")
