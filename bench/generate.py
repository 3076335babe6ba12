"""Command line of the dataset generator: python -m bench.generate --scale 1 --seed 2020."""

import argparse
import json
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description="Remplit la base avec le jeu de données « Bretagne en crise ».")
    parser.add_argument("--scale", type=float, default=1.0, help="1 : un pic de crise réaliste en Bretagne ; 10 : dix fois plus.")
    parser.add_argument("--seed", type=int, default=2020, help="graine du tirage (même graine, mêmes données)")
    parser.add_argument("--report", help="fichier JSON où écrire le décompte (pour bench.run)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.conf import settings

    if settings.DEBUG is False and not settings.DEMO:
        sys.exit("Refus : ce générateur ne tourne pas avec les réglages de production (DEMO désactivé).")
    from .dataset import generate

    print(f"Jeu de données « Bretagne en crise », échelle {args.scale:g}, graine {args.seed} :", flush=True)
    ctx = generate(scale=args.scale, seed=args.seed, out=sys.stdout)
    print(ctx.summary())
    if args.report:
        with open(args.report, "w", encoding="utf-8") as file:
            json.dump({"rows": ctx.rows, "seconds": round(ctx.elapsed, 2), "tables": dict(ctx.counts)}, file, ensure_ascii=False)


if __name__ == "__main__":
    main()
