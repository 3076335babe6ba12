"""Concurrent hotline operators: N processes log calls on the busiest line of the benchmark database for a set time,
through the application's own service (hotline.services.log_call), each in its own database connection; then the
run checks that no call was lost nor doubled.

python -m bench.hotline_calls OUTPUT.json [--operators 8] [--seconds 10]

A call as the log records it: the caller's commune, one or two reasons, an orientation; one in five with a callback
promised, one in ten with a request for help sent (the same writes as the call log's form, without the HTTP around
them: the page is measured apart, by bench.run's hotline_log endpoint).
"""

import argparse
import json
import os
import random
import sys
import time

from . import workers

OPERATORS = 8
SECONDS = 10


def prepare(operators):
    """The operators (accounts with the operator role on the line with the most calls) and that line's id."""
    from django.db.models import Count

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership, User
    from mobilisation.hotline.models import Line

    line = Line.objects.filter(is_active=True).annotate(n=Count("calls")).order_by("-n", "pk").first()
    if line is None:
        sys.exit("Aucune ligne de numéro vert dans la base du banc d’essai.")
    users = []
    for index in range(operators):
        user, created = User.objects.get_or_create(
            email=f"ecoutant{index + 1}.{line.pk}@bench.mobilisation-cls.fr", defaults={"first_name": "Écoutant"}
        )
        if created:
            Membership.objects.create(user=user, role=Role.HOTLINE_OPERATOR, line=line)
        users.append(user.pk)
    return line.pk, users


def operator(user_id, line_id, seconds, seed, results):
    """One operator's loop: log a call, again, until time is up; reports the calls' ids and timings."""
    workers.setup()
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from mobilisation.accounts.models import User
    from mobilisation.hotline import services
    from mobilisation.hotline.enums import CallerKind, Reason, Referral
    from mobilisation.hotline.models import Line
    from mobilisation.territories.models import Commune

    rng = random.Random(seed)
    user = User.objects.get(pk=user_id)
    line = Line.objects.get(pk=line_id)
    communes = list(line.communes().values_list("insee_code", flat=True)[:200])
    reasons = [1 << index for index in range(len(Reason))]
    logged, timings, failures = [], [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        commune = rng.choice(communes) if communes else None
        call = {
            "commune_id": commune,
            "caller_kind": rng.choice(CallerKind.values),
            "reasons": rng.choice(reasons) | (rng.choice(reasons) if rng.random() < 0.3 else 0),
            "referral": rng.choice([Referral.NONE, Referral.SOCIAL_SERVICES, Referral.OTHER]),
            "answer": "Réponse de la fiche en vigueur.",
            "duration_minutes": rng.randint(1, 12),
        }
        callback = {"phone": f"+3326191{rng.randint(0, 9999):04d}", "first_name": "Jeanne"} if rng.random() < 0.2 else None
        aid_request = None
        if commune and rng.random() < 0.1:
            today = timezone.localdate()
            aid_request = {
                "commune": Commune.objects.get(insee_code=commune),
                "kind": "courses",
                "urgency": "48h",
                "wanted_from": today,
                "wanted_until": today + datetime.timedelta(days=2),
                "first_name": "Jeanne",
                "last_name": "Le Goff",
                "phone": "+33261910500",
                "address": "1 place de la Mairie",
            }
        started = time.perf_counter()
        try:
            with transaction.atomic():
                done = services.log_call(line=line, operator=user, call=call, callback=callback, aid_request=aid_request)
        except Exception:  # noqa: BLE001 - counted and reported: the run's verdict says if any call was lost
            failures += 1
            continue
        timings.append(time.perf_counter() - started)
        logged.append(done.pk)
    connection.close()
    results.put({"logged": logged, "timings": timings, "failures": failures})


def main(argv=None):
    parser = argparse.ArgumentParser(description="Écoutants concurrents : enregistrer des appels au numéro vert.")
    parser.add_argument("output")
    parser.add_argument("--operators", type=int, default=OPERATORS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)
    workers.setup()

    from mobilisation.hotline.models import Call

    line_id, users = prepare(args.operators)
    before = Call.objects.filter(operator__in=users).count()
    reports, elapsed = workers.run(operator, [(user, line_id, args.seconds, index) for index, user in enumerate(users)])
    logged = [pk for report in reports for pk in report["logged"]]
    stored = Call.objects.filter(operator__in=users).count() - before
    result = {
        "operators": args.operators,
        "line": line_id,
        **workers.figures(len(logged), elapsed, reports),
        "lost": max(0, len(logged) - stored),
        "extra": max(0, stored - len(logged)),
        "doubled": len(logged) - len(set(logged)),
    }
    with open(args.output, "w", encoding="utf-8") as file:
        json.dump(result, file)
    print(
        f"Numéro vert : {result['calls']} appels en {result['seconds']} s par {args.operators} écoutants "
        f"({result['calls_per_second']} /s, p95 {result['p95_ms']} ms) ; perdus {result['lost']}, doublés {result['doubled']}, "
        f"en plus {result['extra']}, échecs {result['failures']}."
    )
    if result["lost"] or result["doubled"] or result["extra"] or result["failures"]:
        sys.exit("Des appels du numéro vert ont été perdus, doublés ou refusés.")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    main()
