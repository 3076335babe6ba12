"""The CLS of the run: the real registry first, then invented CLS until every EPCI is covered and the scale is met."""

from collections import Counter

from mobilisation.catalogue.models import Mobilisation
from mobilisation.contracts.enums import CarrierKind, Certainty, ClsStatus, PerimeterCertainty
from mobilisation.contracts.models import Cls
from mobilisation.territories.models import Commune, Epci

from .people import full_name

SYNTHETIC_PREFIX = "bench-"
MOBILISATION = "covid19-2020"


def cls_at_scale_one():
    """A realistic peak for Brittany: the real CLS, plus one CLS for each EPCI none of them covers."""
    real = Cls.objects.exclude(slug__startswith=SYNTHETIC_PREFIX)
    uncovered = Epci.objects.exclude(contracts__in=real).count()
    return real.count() + uncovered


def interleave_by_department(contracts):
    """Round-robin over departments, so a small scale still has CLS in every department."""
    queues = {}
    for cls in contracts:
        queues.setdefault(cls.department_id, []).append(cls)
    ordered = []
    while any(queues.values()):
        for code in sorted(queues):
            if queues[code]:
                ordered.append(queues[code].pop(0))
    return ordered


def epci_department(epci, communes_by_epci):
    if epci.seat_department_id:
        return epci.seat_department_id
    return Counter(c.department_id for c in communes_by_epci[epci.siren]).most_common(1)[0][0]


def build(ctx):
    mobilisation = Mobilisation.objects.filter(slug=MOBILISATION).first()
    if mobilisation is None:
        raise RuntimeError("The COVID-19 catalogue is missing: run load_territories, load_cls and load_catalogue first.")
    ctx.data["mobilisation"] = mobilisation
    target = ctx.count(cls_at_scale_one())
    without_plan = Cls.objects.exclude(plans__mobilisation=mobilisation).order_by("department", "name")
    real = interleave_by_department([c for c in without_plan if not c.slug.startswith(SYNTHETIC_PREFIX)])
    synthetic = [c for c in without_plan if c.slug.startswith(SYNTHETIC_PREFIX)]
    chosen = (real + synthetic)[:target]
    missing = target - len(chosen)
    if missing > 0:
        chosen += create_synthetic(ctx, missing)
    ctx.data["contracts"] = chosen
    ctx.say(f"  {len(chosen)} CLS auront un plan dans ce lot ({missing if missing > 0 else 0} CLS d’essai créés)")


def create_synthetic(ctx, number):
    """Invented CLS, each on one whole EPCI: first the EPCI no CLS covers, then round the region again."""
    epcis = list(Epci.objects.order_by("name"))
    communes_by_epci = {}
    for commune in Commune.objects.filter(epci__isnull=False).only("insee_code", "epci_id", "department_id"):
        communes_by_epci.setdefault(commune.epci_id, []).append(commune)
    covered = set(Epci.objects.filter(contracts__isnull=False).values_list("siren", flat=True))
    order = [e for e in epcis if e.siren not in covered] + epcis
    existing = Cls.objects.filter(slug__startswith=f"{SYNTHETIC_PREFIX}{ctx.tag}-").count()
    contracts = []
    for index in range(number):
        epci = order[index % len(order)]
        n = existing + index + 1
        first, last = full_name(ctx)
        contracts.append(
            Cls(
                public_id=ctx.uuid(),
                slug=f"{SYNTHETIC_PREFIX}{ctx.tag}-{n:04d}",
                name=f"CLS d’essai n° {n} – {epci.name}",
                carrier_name=epci.name,
                carrier_kind=CarrierKind.EPCI,
                department_id=epci_department(epci, communes_by_epci),
                status=ClsStatus.SIGNED,
                period="2020-2024",
                coordinator_name=f"{first} {last}",
                certainty=Certainty.CONFIRMED,
                perimeter_certainty=PerimeterCertainty.EXPLICIT,
                note="CLS inventé par le générateur de données de charge (bench/).",
            )
        )
    contracts = ctx.insert(contracts)
    chosen_epcis = [order[index % len(order)] for index in range(number)]
    ctx.link(Cls.epcis.field, [(cls.pk, epci.siren) for cls, epci in zip(contracts, chosen_epcis, strict=True)])
    ctx.link(
        Cls.communes.field,
        [
            (cls.pk, commune.insee_code)
            for cls, epci in zip(contracts, chosen_epcis, strict=True)
            for commune in communes_by_epci[epci.siren]
        ],
    )
    return contracts
