"""Concurrent callers: N processes « take the next call » and record its outcome, as long as calls wait or for a set
time, on the benchmark database; then the run checks that no call was lost nor doubled.

python -m bench.calls OUTPUT.json [--callers 8] [--seconds 10]

Each process is a CCAS agent of the largest register of the dataset, taking calls through the application's own
services (followup.services.claim_next, record_outcome), each in its own database connection: the same writes as
the call card, without the HTTP around them (measured apart, by the call list page of bench.run).
"""

import argparse
import json
import os
import random
import sys
import time

from . import workers

CALLERS = 8
SECONDS = 10


def prepare(callers):
    """The callers (agents of the register with the most open calls) and that register's INSEE code."""
    from django.db.models import Count

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership, User
    from mobilisation.followup.enums import TaskState
    from mobilisation.followup.models import ContactTask

    busiest = ContactTask.objects.filter(state=TaskState.OPEN).values("campaign__commune").annotate(n=Count("pk")).order_by("-n").first()
    if busiest is None:
        sys.exit("Aucun appel en attente dans la base du banc d’essai.")
    commune = busiest["campaign__commune"]
    users = []
    for index in range(callers):
        user, created = User.objects.get_or_create(
            email=f"appelant{index + 1}.{commune}@bench.mobilisation-cls.fr", defaults={"first_name": "Appelant"}
        )
        if created:
            Membership.objects.create(user=user, role=Role.SOCIAL_SERVICES, commune_id=commune)
        users.append(user.pk)
    return commune, busiest["n"], users


def caller(user_id, seconds, seed, results):
    """One caller's loop: claim, record, until no call waits or time is up; reports (task, attempt) pairs and timings."""
    workers.setup()
    from django.db import connection

    from mobilisation.accounts.models import User
    from mobilisation.followup import services
    from mobilisation.followup.enums import Outcome

    rng = random.Random(seed)
    user = User.objects.get(pk=user_id)
    done, timings, failures = [], [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        task = services.claim_next(by=user)
        if task is None:
            break
        outcome = Outcome.NOT_REACHED if rng.random() < 0.2 else Outcome.FINE
        try:
            attempt = services.record_outcome(task=task, outcome=outcome, by=user)
        except Exception:  # noqa: BLE001 - counted and reported: the run's verdict says if any call was lost
            failures += 1
            continue
        timings.append(time.perf_counter() - started)
        done.append((task.pk, attempt.pk))
    connection.close()
    results.put({"done": done, "timings": timings, "failures": failures})


def main(argv=None):
    parser = argparse.ArgumentParser(description="Appelants concurrents : prendre et enregistrer des appels de veille.")
    parser.add_argument("output")
    parser.add_argument("--callers", type=int, default=CALLERS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)
    workers.setup()

    from mobilisation.followup.models import CallAttempt

    commune, waiting, users = prepare(args.callers)
    before = CallAttempt.objects.filter(by__in=users).count()
    reports, elapsed = workers.run(caller, [(user, args.seconds, index) for index, user in enumerate(users)])
    done = [pair for report in reports for pair in report["done"]]
    stored = CallAttempt.objects.filter(by__in=users).count() - before
    attempts = [attempt for _, attempt in done]
    # Lost: recorded by a caller but not in the database. Doubled: a task recorded twice in the run (a call not reached
    # waits the campaign's retry delay, far longer than a run: every task is taken once at most) or an attempt twice.
    claims = {}
    for task, _ in done:
        claims[task] = claims.get(task, 0) + 1
    doubled = len(attempts) - len(set(attempts)) + sum(n - 1 for n in claims.values())
    result = {
        "callers": args.callers,
        "commune": commune,
        "waiting": waiting,
        **workers.figures(len(done), elapsed, reports),
        "lost": max(0, len(done) - stored),
        "extra": max(0, stored - len(done)),
        "doubled": doubled,
    }
    with open(args.output, "w", encoding="utf-8") as file:
        json.dump(result, file)
    print(
        f"Appels : {result['calls']} en {result['seconds']} s par {args.callers} appelants ({result['calls_per_second']} /s, "
        f"p95 {result['p95_ms']} ms) ; perdus {result['lost']}, doublés {result['doubled']}, en plus {result['extra']}, échecs {result['failures']}."
    )
    if result["lost"] or result["doubled"] or result["extra"]:
        sys.exit("Des appels ont été perdus ou doublés.")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    main()
