"""What the restriction periods in force allow of a service: "open under current measures", suspended, or limited
to the modalities a measure leaves (catalogue.Modality, the same closed list the plans' actions use).

A service is suspended when the measures in force over a commune block all of its modalities, limited when they
block some of them; a service not open (temporarily closed) says so first.
"""

from dataclasses import dataclass, field

from mobilisation.plans.models import RestrictionPeriod

from .models.services import Service, ServiceStatus


@dataclass
class ServiceUnderMeasures:
    service: Service
    suspended_by: list = field(default_factory=list)  # measures blocking every modality of the service
    limited_by: list = field(default_factory=list)  # measures blocking some of them
    allowed: list = field(default_factory=list)  # the modalities still allowed when limited

    @property
    def measure_labels(self):
        return ", ".join(measure.label for measure in self.suspended_by + self.limited_by)

    @property
    def state(self):
        """ "closed", "suspended", "limited" or "open": what the badge of the service says."""
        if self.service.status != ServiceStatus.OPEN:
            return "closed"
        if self.suspended_by:
            return "suspended"
        return "limited" if self.limited_by else "open"


def measures_in_force(commune, day):
    return list(
        RestrictionPeriod.objects.in_force_on(day).covering(commune).prefetch_related("blocked_modalities").order_by("start", "label")
    )


def under_measures(services, measures):
    """Each service with what the measures in force make of it (reads the services' prefetched modalities)."""
    rows = []
    for service in services:
        row = ServiceUnderMeasures(service=service)
        modalities = {modality.pk: modality for modality in service.modalities.all()}
        blocked_all = set()
        for measure in measures:
            blocked = {modality.pk for modality in measure.blocked_modalities.all()} & set(modalities)
            if not blocked:
                continue
            blocked_all |= blocked
            if blocked == set(modalities):
                row.suspended_by.append(measure)
            else:
                row.limited_by.append(measure)
        if row.limited_by and not row.suspended_by:
            row.allowed = [modality for pk, modality in modalities.items() if pk not in blocked_all]
            if not row.allowed:  # limited by several measures that together block everything
                row.suspended_by, row.limited_by = row.limited_by, []
        rows.append(row)
    return rows
