"""The key pages and API endpoints the benchmarks load and the query budgets watch, with who opens them.

A later feature adds its key pages here; `bench.run`, `bench.probe`, `bench.profile` and the query-budget tests
pick them up.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    path: str  # may hold {plan}, {person}, {campaign}, {aid_request}, {line}: see bench.sessions.targets
    persona: str | None = None  # a key of bench.dataset.accounts.PERSONAS; None: anonymous
    token: bool = False  # the API with a personal token rather than a session
    expect: str = ""  # text the answer must hold, so an error page is never measured
    group: str = ""  # a key of GROUPS: what `--only` can name besides the endpoint's own key

    def url(self, targets):
        return self.path.format(**targets)


# What `--only` names besides an endpoint's own key (bench.run, bench.profile): a group of pages, "ops" for the three
# groups of operations, and the measures that are not pages.
GROUPS = {
    "public": "pages publiques",
    "plans": "coordination : plans, financements, annuaire, tâches",
    "personnes": "la liste des personnes",
    "api": "l’API",
    "registre": "registre des personnes fragiles, veille et journal des accès",
    "entraide": "bénévoles, demandes d’aide, hébergement",
    "numero-vert": "numéro vert",
}
SUPERGROUPS = {"ops": ("registre", "entraide", "numero-vert")}
MEASURES = {
    "ecritures": "les écritures concurrentes (appels de la veille, appels du numéro vert ; PostgreSQL)",
    "import": "l’import d’un registre contre django-import-export",
}

FLOOR = Endpoint("floor", "Plancher : /healthz", "/healthz", expect='"database": "ok"')

ENDPOINTS = [
    FLOOR,
    Endpoint("home", "Accueil (visiteur)", "/", expect="Mobiliser les contrats locaux de santé bretons", group="public"),
    Endpoint(
        "catalogue", "Catalogue COVID-19 (visiteur)", "/catalogue/covid19-2020/", expect="Relayer et adapter des messages", group="public"
    ),
    Endpoint("commune", "Commune de Dinan (visiteur)", "/territoires/communes/22050/", expect="Portrait statistique", group="public"),
    Endpoint("registry", "Registre des CLS (visiteur)", "/cls/", expect="Registre des contrats locaux de santé", group="public"),
    Endpoint("help", "Trouver de l’aide à Dinan (visiteur)", "/aide/22050/", expect="Les services qui servent Dinan", group="public"),
    Endpoint("plan", "Plan d’action (coordinatrice)", "{plan}/", persona="coordinator", expect="Diagnostic du territoire", group="plans"),
    Endpoint("delegation", "Suivi des plans (délégation)", "/plans/", persona="delegation", expect="Suivi des plans", group="plans"),
    Endpoint("region", "Suivi des plans (région)", "/plans/", persona="region", expect="Suivi des plans", group="plans"),
    Endpoint(
        "queue",
        "Demandes de financement (délégation)",
        "/plans/financements/",
        persona="delegation",
        expect="Demandes de financement",
        group="plans",
    ),
    Endpoint(
        "directory",
        "Annuaire des partenaires (coordinatrice)",
        "/annuaire/",
        persona="coordinator",
        expect="Annuaire des partenaires",
        group="plans",
    ),
    Endpoint("people", "Personnes (région)", "/personnes/", persona="region", expect="Inviter une personne", group="personnes"),
    Endpoint(
        "api_actions",
        "API : actions des plans (région, jeton)",
        "/api/v1/actions/",
        persona="region",
        token=True,
        expect='"count"',
        group="api",
    ),
    Endpoint(
        "register",
        "Registre, recherche « le » (agent du CCAS)",
        "/registre/?q=le",
        persona="social_services",
        expect="personnes",
        group="registre",
    ),
    Endpoint(
        "person",
        "Fiche d’une personne (agent du CCAS)",
        "{person}/",
        persona="social_services",
        expect="Personnes à prévenir",
        group="registre",
    ),
    Endpoint(
        "calls",
        "Appels à passer (agent du CCAS)",
        "/appels/",
        persona="social_services",
        expect="Prendre l’appel suivant",
        group="registre",
    ),
    Endpoint(
        "campaign",
        "Tableau de bord d’une campagne (agent du CCAS)",
        "{campaign}/",
        persona="social_services",
        expect="Avancement",
        group="registre",
    ),
    Endpoint(
        "journal",
        "Journal des accès du registre (responsable du CCAS)",
        "/journal/",
        persona="manager",
        expect="Journal des accès",
        group="registre",
    ),
    Endpoint("volunteers", "Bénévoles d’une association (membre)", "/benevoles/", persona="partner", expect="Bénévoles", group="entraide"),
    Endpoint(
        "volunteers_waiting",
        "Inscriptions de bénévoles à valider (membre)",
        "/benevoles/?etat=a-valider",
        persona="partner",
        expect="Bénévoles",
        group="entraide",
    ),
    Endpoint(
        "aid_queue",
        "Demandes d’aide à traiter (membre)",
        "/entraide/demandes/",
        persona="partner",
        expect="Demandes d’aide",
        group="entraide",
    ),
    Endpoint(
        "aid_matching",
        "Demande à pourvoir et bénévoles suggérés (membre)",
        "{aid_request}/",
        persona="partner",
        expect="Bénévoles suggérés",
        group="entraide",
    ),
    Endpoint(
        "missions",
        "Demandes à pourvoir près de chez moi (bénévole)",
        "/entraide/missions/",
        persona="volunteer",
        expect="à pourvoir",
        group="entraide",
    ),
    Endpoint(
        "volunteer_sign_up",
        "Devenir bénévole à Dinan (visiteur)",
        "/benevoles/devenir-benevole/22050/",
        expect="Devenir bénévole",
        group="public",
    ),
    Endpoint(
        "housing",
        "Hébergement d’isolement, places et demandes (membre)",
        "/hebergement/",
        persona="partner",
        expect="Places libres",
        group="entraide",
    ),
    Endpoint(
        "housing_capacity",
        "Places d’isolement libres, région",
        "/hebergement/capacites/",
        persona="region",
        expect="Places libres par",
        group="entraide",
    ),
    Endpoint(
        "aid_ask", "Demander de l’aide à Dinan (visiteur)", "/entraide/demander/22050/", expect="Demander de l’aide à Dinan", group="public"
    ),
    Endpoint(
        "housing_ask",
        "Demander un hébergement d’isolement à Dinan (visiteur)",
        "/hebergement/demander/22050/",
        expect="hébergement",
        group="public",
    ),
    Endpoint(
        "hotline_log",
        "Journal d’appels du numéro vert (écoutant)",
        "{line}/",
        persona="operator",
        expect="Appel en cours",
        group="numero-vert",
    ),
    Endpoint(
        "hotline_services",
        "Services cherchés « repas » à Dinan (écoutant)",
        "{line}/services/?q=repas&commune=22050",
        persona="operator",
        expect="service-choix",
        group="numero-vert",
    ),
    Endpoint(
        "hotline_callbacks",
        "Rappels à faire (écoutant)",
        "{line}/rappels/",
        persona="operator",
        expect="Rappels à faire",
        group="numero-vert",
    ),
    Endpoint(
        "hotline_faq",
        "FAQ cherchée « attestation » (écoutant)",
        "{line}/faq/?q=attestation&fragment=1",
        persona="operator",
        expect="accordion",
        group="numero-vert",
    ),
    Endpoint(
        "public_faq",
        "Questions et réponses à Dinan (visiteur)",
        "/numero-vert/questions/?commune=22050",
        expect="Questions et réponses",
        group="public",
    ),
    Endpoint("jobs", "Tâches de fond (région)", "/taches/", persona="region", expect="Tâches de fond", group="plans"),
    Endpoint(
        "veille_region", "Chiffres de la veille, région", "/veille/", persona="region", expect="Campagnes de veille", group="registre"
    ),
    Endpoint(
        "veille_department",
        "Chiffres de la veille, un département (région)",
        "/veille/?departement=22",
        persona="region",
        expect="par commune",
        group="registre",
    ),
]


def select(names):
    """The endpoints and measures named by `names` (endpoint keys, groups, "ops", measures), the floor always first;
    no name: every endpoint and measure (a complete run).

    Returns (endpoints, measures); an unknown name raises ValueError with the names that exist, in French.
    """
    if not names:
        return list(ENDPOINTS), set(MEASURES)
    keys = {endpoint.key for endpoint in ENDPOINTS}
    wanted, measures, unknown = set(), set(), []
    for name in names:
        if name in keys:
            wanted.add(name)
        elif name in GROUPS or name in SUPERGROUPS:
            groups = SUPERGROUPS.get(name, (name,))
            wanted |= {endpoint.key for endpoint in ENDPOINTS if endpoint.group in groups}
        elif name in MEASURES:
            measures.add(name)
        else:
            unknown.append(name)
    if unknown:
        known = ", ".join([*GROUPS, *SUPERGROUPS, *MEASURES])
        raise ValueError(
            f"Inconnu : {', '.join(unknown)}. Groupes et mesures : {known} ; ou la clé d’un point de mesure (bench/endpoints.py)."
        )
    return [endpoint for endpoint in ENDPOINTS if endpoint.key == FLOOR.key or endpoint.key in wanted], measures
