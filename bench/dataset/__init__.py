"""The "Bretagne en crise" dataset: a seeded, bulk generator on top of the real Brittany territories.

Each step is a module with `build(ctx)`; they run in this order and hand data to the next through `ctx.data`.
A later feature adds its data by adding its module to STEPS (its rows then appear in the printed tally).
Two runs with different seeds stack up (keys carry the seed), so a test can grow the data between two measures.
"""

import time

from . import accounts, contracts, directory, followup, hotline, mutualaid, plans, restrictions
from .context import Context, bulk_session

STEPS = [
    ("CLS", contracts),
    ("organisations partenaires", directory),
    ("comptes et rattachements", accounts),
    ("plans d’action", plans),
    ("périodes de restriction", restrictions),
    ("registres et veille", followup),
    ("bénévoles", mutualaid),
    ("numéro vert", hotline),
]


def generate(*, scale=1.0, seed=2020, out=None):
    """Fill the database at `scale` (1: a realistic peak for Brittany) and return the context with its tally."""
    ctx = Context(scale=scale, seed=seed, out=out)
    started = time.perf_counter()
    with bulk_session():
        for label, step in STEPS:
            step_started = time.perf_counter()
            step.build(ctx)
            ctx.say(f"  {label} : {time.perf_counter() - step_started:.1f} s")
        ctx.writer.finish()
    ctx.elapsed = time.perf_counter() - started
    return ctx
