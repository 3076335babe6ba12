"""A person's history as their page shows it: the changes of their memberships and the events of their account."""

from dataclasses import dataclass

from .models import AccountEvent, Membership, scope_label_of

HISTORY_LENGTH = 50


@dataclass
class Line:
    at: object
    what: str
    by: object
    reason: str


def membership_label(record):
    return f"{record.get_role_display()} – {scope_label_of(record)}"


def describe(record, previous):
    """What a historical record of a membership changed, in French."""
    label = membership_label(record)
    if previous is None or record.history_type == "+":
        return f"Rattachement ajouté : {label}" + ("" if record.is_active else " (désactivé)")
    if previous.is_active != record.is_active:
        return f"Rattachement {'réactivé' if record.is_active else 'désactivé'} : {label}"
    before = membership_label(previous)
    if before != label:
        return f"Rattachement modifié : {before} → {label}"
    return f"Rattachement enregistré sans changement : {label}"


def person_history(user, *, memberships):
    """The latest lines, newest first: changes of the given memberships (those the viewer sees) and account events.

    Three queries whatever the length: the records are paired with their predecessor here, not one query each.
    """
    records = list(
        Membership.history.filter(id__in=memberships)
        .select_related("department", "cls", "commune", "epci", "organisation", "history_user")
        .order_by("id", "history_date", "history_id")
    )
    lines, previous = [], {}
    for record in records:
        lines.append(
            Line(record.history_date, describe(record, previous.get(record.id)), record.history_user, record.history_change_reason or "")
        )
        previous[record.id] = record
    for event in AccountEvent.objects.filter(user=user).select_related("by")[:HISTORY_LENGTH]:
        lines.append(Line(event.at, event.get_kind_display(), event.by, event.reason))
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:HISTORY_LENGTH]
