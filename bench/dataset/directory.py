"""Partner organisations of each CLS of the run: associations, CCAS, health professionals, public services."""

from mobilisation.catalogue.models import Modality
from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation, Service

from .people import ORGANISATION_PATTERNS, fiction_phone

ORGANISATIONS_PER_CLS = 30
# What the partners offer in a crisis (« Trouver de l'aide »): name, data·inclusion thématique, reception, modalities.
SERVICE_PATTERNS = [
    ("Courses livrées à domicile", "equipement-et-alimentation--alimentation", ["a-domicile"], ["distribution"]),
    ("Portage de repas", "equipement-et-alimentation--alimentation", ["a-domicile"], ["distribution"]),
    ("Retrait de médicaments à la pharmacie", "sante--acces-aux-soins", ["a-domicile"], ["distribution"]),
    ("Appels de convivialité", "remobilisation--lien-social", ["a-distance"], ["distance"]),
    ("Permanence d’aide numérique", "numerique--acceder-a-des-services-en-ligne", ["en-presentiel"], ["presentiel"]),
    ("Accueil et écoute", "sante--sante-mentale", ["en-presentiel", "a-distance"], ["presentiel", "distance"]),
    ("Transport solidaire vers les soins", "mobilite--mobilite-douce-partagee-collective", ["a-domicile"], ["presentiel"]),
]
HOURS = ["Mo-Fr 09:00-12:00,14:00-17:00", "Mo-Sa 10:00-18:00", "Tu,Th 14:00-17:00", "Mo-Fr 08:30-12:30; PH off"]


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
    ctx.data["served"] = {o.pk: codes for o, codes in zip(organisations, served, strict=True)}
    build_services(ctx, organisations, served)


def build_services(ctx, organisations, served):
    """0 to 3 services per organisation, open to the communes it serves (a few to its whole department)."""
    modalities = dict(Modality.objects.values_list("code", "pk"))
    services, zones, departments, links = [], [], [], []
    for organisation, codes in zip(organisations, served, strict=True):
        for _ in range(ctx.rng.randint(0, 3)):
            name, thematique, modes, wanted = ctx.rng.choice(SERVICE_PATTERNS)
            place = "en-presentiel" in modes
            service = Service(
                public_id=ctx.uuid(),
                organisation_id=organisation.pk,
                name=name,
                description=f"{name} pour les habitants, proposé par {organisation.name}.",
                thematiques=[thematique],
                publics=["tous-publics"] if ctx.chance(0.5) else ["seniors", "personnes-en-situation-de-handicap"],
                fee="gratuit",
                reception_modes=modes,
                commune_id=codes[0] if place else None,
                address="1 place de la Mairie" if place else "",
                phone=fiction_phone(ctx),
                mobilisation_modes=["telephoner"],
                opening_hours=ctx.rng.choice(HOURS),
                status=ctx.weighted([("ouvert", 90), ("ferme_temporairement", 7), ("ferme", 3)]),
                checked_on=ctx.day(),
            )
            services.append(service)
            zones.append(codes)
            departments.append(organisation.department_id if ctx.chance(0.02) else None)
            links.append([modalities[code] for code in wanted if code in modalities])
    services = ctx.insert(services)
    ctx.link(Service.zone_communes.field, [(s.pk, code) for s, codes in zip(services, zones, strict=True) for code in codes])
    ctx.link(Service.zone_departments.field, [(s.pk, d) for s, d in zip(services, departments, strict=True) if d])
    ctx.link(Service.modalities.field, [(s.pk, m) for s, ids in zip(services, links, strict=True) for m in ids])
