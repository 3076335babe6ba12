"""Indicators computed by the operations modules, for the plan to show (ARCHITECTURE.md: « plans asks »).

A module declares a provider once (in its AppConfig.ready): a function taking plan actions and returning
{action id: [(label, figure), …]} for those linked to one of its operations. The plan never imports the modules:
it calls `computed_for(actions)`, which asks every provider, and shows the figures as computed, never typed.
"""

PROVIDERS = []


def provider(func):
    if func not in PROVIDERS:
        PROVIDERS.append(func)
    return func


def computed_for(actions):
    """{action id: [(label, figure), …]} from every module, for `actions` (a few grouped queries per module)."""
    actions = list(actions)
    result = {}
    if not actions:
        return result
    for ask in PROVIDERS:
        for action_id, figures in ask(actions).items():
            result.setdefault(action_id, []).extend(figures)
    return result
