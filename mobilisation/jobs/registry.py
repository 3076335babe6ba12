"""The reliable tasks and the periodic ones, declared in each app's tasks.py: `@reliable_task(label=…)`, `@periodic(every=…)`."""

import dataclasses
import datetime
import re
from collections.abc import Callable

TASKS: dict[str, "ReliableTask"] = {}
PERIODIC: dict[str, datetime.timedelta] = {}

# A task's arguments are ids: whole numbers, UUIDs, short codes (an INSEE code, a date). A string with a space or an
# @ (a name, an address) is refused at enqueue time, so that personal data never sits in a queue (SECURITY.md 20).
ID_LIKE = re.compile(r"[\w.:+-]{1,100}")


@dataclasses.dataclass(frozen=True)
class ReliableTask:
    func: Callable
    label: str
    max_attempts: int
    backoff: datetime.timedelta
    backoff_cap: datetime.timedelta
    priority: int
    on_failure: Callable | None
    atomic: bool = True

    @property
    def name(self):
        return f"{self.func.__module__}.{self.func.__qualname__}"

    def delay(self, attempt):
        """How long to wait after the failed attempt number `attempt` (1, 2, …): doubling, capped."""
        return min(self.backoff_cap, self.backoff * 2 ** (attempt - 1))

    def enqueue(self, *args):
        """Queue a call (a Job); it runs once the current transaction commits, on the configured backend."""
        from .services import enqueue_job

        return enqueue_job(self, args)

    def __call__(self, *args):
        return self.func(*args)


def reliable_task(
    *,
    label,
    max_attempts=5,
    backoff=datetime.timedelta(seconds=30),
    backoff_cap=datetime.timedelta(hours=1),
    priority=0,
    on_failure=None,
    atomic=True,
):
    """Declare a task that is retried with backoff when it raises, then reported on the page « Tâches de fond ».

    `label` is the French name the page shows. After attempt n fails, the next waits backoff × 2^(n-1), at most
    `backoff_cap`; after `max_attempts` the job is failed, `on_failure(*args)` is called (inside its own transaction)
    and the ARS region sees it. Each attempt runs in one transaction, unless `atomic=False`: a long task that reports
    its progress as it goes (a register import) then opens its own. The task's arguments must be ids (see ID_LIKE). A task may run more than once (a
    retry after a crash, a « Relancer »): each effect it has goes through jobs.effects.once(key).
    """

    def decorator(func):
        task = ReliableTask(
            func=func,
            label=label,
            max_attempts=max_attempts,
            backoff=backoff,
            backoff_cap=backoff_cap,
            priority=priority,
            on_failure=on_failure,
            atomic=atomic,
        )
        TASKS[task.name] = task
        return task

    return decorator


def periodic(*, every):
    """Enqueue a reliable task once per period of `every` (enqueue_periodic, run each minute, does it)."""

    def decorator(task):
        PERIODIC[task.name] = every
        return task

    return decorator


def label_of(name):
    task = TASKS.get(name)
    return task.label if task else f"Tâche inconnue ({name[:80]})"
