"""Opening hours of a service: a week of time ranges, stored in the OpenStreetMap `opening_hours` syntax.

The data·inclusion schema asks for `horaires_accueil` in that syntax ("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00").
The form edits a grid (each day, up to two ranges), this module turns the grid into the syntax and back, and writes
it in French for the pages ("du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h"). Only that subset is read:
days and day ranges, time ranges, "PH off" (closed on public holidays). Anything else is refused with a message.
"""

import re
from dataclasses import dataclass
from datetime import time

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
RANGES_PER_DAY = 2
HOLIDAYS_OFF = "PH off"
_DAY_SPEC = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")
_RANGE = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class OpeningHoursError(ValueError):
    """A message in French about what cannot be read."""


@dataclass(frozen=True)
class Week:
    """{day index: ((start, end), …)} and whether public holidays are closed."""

    days: dict
    holidays_closed: bool = False

    def runs(self):
        """(first day, last day, ranges) for each run of consecutive days open with the same ranges."""
        day = 0
        while day < 7:
            ranges = self.days.get(day)
            if not ranges:
                day += 1
                continue
            last = day
            while last + 1 < 7 and self.days.get(last + 1) == ranges:
                last += 1
            yield day, last, ranges
            day = last + 1

    def to_osm(self):
        """ "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off": consecutive days with the same ranges grouped."""
        rules = []
        for first, last, ranges in self.runs():
            days = DAYS[first] if last == first else f"{DAYS[first]}{',' if last == first + 1 else '-'}{DAYS[last]}"
            rules.append(f"{days} {','.join(f'{start:%H:%M}-{end:%H:%M}' for start, end in ranges)}")
        if rules and self.holidays_closed:
            rules.append(HOLIDAYS_OFF)
        return "; ".join(rules)

    def in_french(self):
        """ "du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; le samedi de 9 h à 12 h ; fermé les jours fériés" """
        parts = []
        for first, last, ranges in self.runs():
            if last == first:
                days = f"le {DAY_NAMES[first]}"
            elif last == first + 1:
                days = f"le {DAY_NAMES[first]} et le {DAY_NAMES[last]}"
            else:
                days = f"du {DAY_NAMES[first]} au {DAY_NAMES[last]}"
            parts.append(f"{days} " + " et ".join(f"de {_hour(start)} à {_hour(end)}" for start, end in ranges))
        if parts and self.holidays_closed:
            parts.append("fermé les jours fériés")
        return " ; ".join(parts)


def _hour(moment):
    return f"{moment.hour} h" if not moment.minute else f"{moment.hour} h {moment.minute:02d}"


def _time(hours, minutes):
    hours, minutes = int(hours), int(minutes)
    if hours == 24:
        if minutes:
            raise OpeningHoursError("Une heure ne peut pas dépasser 24:00.")
        return time(23, 59)
    return time(hours, minutes)


def parse(text):
    """The Week of an `opening_hours` text of the subset above; OpeningHoursError otherwise."""
    days, holidays_closed = {}, False
    for rule in (part.strip() for part in (text or "").split(";")):
        if not rule:
            continue
        if rule == HOLIDAYS_OFF:
            holidays_closed = True
            continue
        spec, _, ranges_text = rule.partition(" ")
        indexes = []
        for item in spec.split(","):
            match = _DAY_SPEC.match(item)
            if not match:
                raise OpeningHoursError(f"Jours illisibles : « {item} » (attendu par exemple « Mo-Fr » ou « Sa »).")
            first, last = DAYS.index(match[1]), DAYS.index(match[2] or match[1])
            if last < first:
                raise OpeningHoursError(f"Jours dans le désordre : « {item} ».")
            indexes.extend(range(first, last + 1))
        ranges = []
        for item in ranges_text.strip().split(","):
            match = _RANGE.match(item.strip())
            if not match:
                raise OpeningHoursError(f"Horaire illisible : « {item.strip()} » (attendu par exemple « 09:00-12:00 »).")
            start, end = _time(match[1], match[2]), _time(match[3], match[4])
            ranges.append((start, end))
        week_ranges = check_ranges(ranges)
        for index in indexes:
            days[index] = week_ranges
    return Week(days=days, holidays_closed=holidays_closed)


def check_ranges(ranges):
    """The ranges of one day, in order, each ending after it starts and none overlapping; OpeningHoursError otherwise."""
    ranges = sorted(ranges)
    for start, end in ranges:
        if end <= start:
            raise OpeningHoursError(f"La plage {start:%H:%M}–{end:%H:%M} finit avant de commencer.")
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        if start < end:
            raise OpeningHoursError("Deux plages horaires du même jour se chevauchent.")
    return tuple(ranges)


def in_french(text):
    """The French sentence of a stored text; the text itself if it cannot be read (never an error on a page)."""
    try:
        return parse(text).in_french()
    except OpeningHoursError:
        return text
