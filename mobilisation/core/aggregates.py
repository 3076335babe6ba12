"""The one helper for every count that goes up (ARCHITECTURE.md, « the wall around personal data »; SECURITY.md 6).

What the ARS, the delegations, the coordinators and the elected officials read of the operations modules is a count
shown through `Figure`: from 1 to 4 it reads "< 5", so that a small commune's figure never points at someone; a rate
computed from a hidden count is hidden too.
"""

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Figure:
    """A count as it may be shown: the value, or "< 5" when it is small enough to name someone."""

    value: int

    @property
    def hidden(self):
        return 0 < self.value < THRESHOLD

    def __str__(self):
        if self.hidden:
            return "< 5"
        from .formats import number

        return number(self.value)

    def rate_of(self, total):
        """ "87 %" of `total` (a Figure), or "—" when either count is hidden or the total is zero."""
        if self.hidden or total.hidden or not total.value:
            return "—"
        return f"{round(100 * self.value / total.value)} %"
