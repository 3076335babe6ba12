"""Partner organisations of each CLS of the run: associations, CCAS, health professionals, public services."""

from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation

from .people import ORGANISATION_PATTERNS, fiction_phone

ORGANISATIONS_PER_CLS = 30


def communes_of_contracts(contracts):
    """{cls pk: [(insee code, name, population, department code), ...]} for the CLS of the run, in one query."""
    through = Cls.communes.through
    rows = through.objects.filter(cls__in=[c.pk for c in contracts]).values_list(
        "cls_id", "commune__insee_code", "commune__name", "commune__population_municipale", "commune__department_id"
    )
    communes = {}
    for cls_id, *commune in rows.order_by("cls_id", "commune__insee_code"):
        communes.setdefault(cls_id, []).append(tuple(commune))
    return communes


def build(ctx):
    contracts = ctx.data["contracts"]
    communes = communes_of_contracts(contracts)
    ctx.data["communes"] = communes
    organisations, served = [], []
    for cls in contracts:
        territory = communes.get(cls.pk) or []
        if not territory:
            continue
        # Larger communes have more organisations: draw the named commune weighted by population.
        weights = [max(population, 100) for _, _, population, _ in territory]
        for index in range(ORGANISATIONS_PER_CLS):
            kind, pattern = ORGANISATION_PATTERNS[index % len(ORGANISATION_PATTERNS)]
            code, name, _, department = ctx.rng.choices(territory, weights=weights)[0]
            organisation = Organisation(
                public_id=ctx.uuid(),
                name=pattern.format(commune=name),
                kind=kind,
                department_id=department,
                email=f"contact.{ctx.tag}.{len(organisations) + 1}@exemple.invalid",
                phone=fiction_phone(ctx),
            )
            organisation.cls_pk = cls.pk
            organisations.append(organisation)
            others = [c[0] for c in ctx.pick(territory, ctx.rng.randint(0, 3)) if c[0] != code]
            served.append([code, *others])
    organisations = ctx.insert(organisations)
    ctx.link(Organisation.communes.field, [(o.pk, code) for o, codes in zip(organisations, served, strict=True) for code in codes])
    by_cls = {}
    for organisation in organisations:
        by_cls.setdefault(organisation.cls_pk, []).append(organisation)
    ctx.data["organisations"] = by_cls
