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

    def url(self, targets):
        return self.path.format(**targets)


FLOOR = Endpoint("floor", "Plancher : /healthz", "/healthz", expect='"database": "ok"')

ENDPOINTS = [
    FLOOR,
    Endpoint("home", "Accueil (visiteur)", "/", expect="Mobiliser les contrats locaux de santé bretons"),
    Endpoint("catalogue", "Catalogue COVID-19 (visiteur)", "/catalogue/covid19-2020/", expect="Relayer et adapter des messages"),
    Endpoint("commune", "Commune de Dinan (visiteur)", "/territoires/communes/22050/", expect="Portrait statistique"),
    Endpoint("registry", "Registre des CLS (visiteur)", "/cls/", expect="Registre des contrats locaux de santé"),
    Endpoint("help", "Trouver de l’aide à Dinan (visiteur)", "/aide/22050/", expect="Les services qui servent Dinan"),
    Endpoint("plan", "Plan d’action (coordinatrice)", "{plan}/", persona="coordinator", expect="Diagnostic du territoire"),
    Endpoint("delegation", "Suivi des plans (délégation)", "/plans/", persona="delegation", expect="Suivi des plans"),
    Endpoint("region", "Suivi des plans (région)", "/plans/", persona="region", expect="Suivi des plans"),
    Endpoint(
        "queue", "Demandes de financement (délégation)", "/plans/financements/", persona="delegation", expect="Demandes de financement"
    ),
    Endpoint(
        "directory", "Annuaire des partenaires (coordinatrice)", "/annuaire/", persona="coordinator", expect="Annuaire des partenaires"
    ),
    Endpoint("people", "Personnes (région)", "/personnes/", persona="region", expect="Inviter une personne"),
    Endpoint("api_actions", "API : actions des plans (région, jeton)", "/api/v1/actions/", persona="region", token=True, expect='"count"'),
    Endpoint("register", "Registre, recherche « le » (agent du CCAS)", "/registre/?q=le", persona="social_services", expect="personnes"),
    Endpoint("person", "Fiche d’une personne (agent du CCAS)", "{person}/", persona="social_services", expect="Personnes à prévenir"),
    Endpoint("calls", "Appels à passer (agent du CCAS)", "/appels/", persona="social_services", expect="Prendre l’appel suivant"),
    Endpoint("campaign", "Tableau de bord d’une campagne (agent du CCAS)", "{campaign}/", persona="social_services", expect="Avancement"),
    Endpoint("journal", "Journal des accès du registre (responsable du CCAS)", "/journal/", persona="manager", expect="Journal des accès"),
    Endpoint("volunteers", "Bénévoles d’une association (membre)", "/benevoles/", persona="partner", expect="Bénévoles"),
    Endpoint(
        "volunteers_waiting",
        "Inscriptions de bénévoles à valider (membre)",
        "/benevoles/?etat=a-valider",
        persona="partner",
        expect="Bénévoles",
    ),
    Endpoint("aid_queue", "Demandes d’aide à traiter (membre)", "/entraide/demandes/", persona="partner", expect="Demandes d’aide"),
    Endpoint(
        "aid_matching",
        "Demande à pourvoir et bénévoles suggérés (membre)",
        "{aid_request}/",
        persona="partner",
        expect="Bénévoles suggérés",
    ),
    Endpoint(
        "missions", "Demandes à pourvoir près de chez moi (bénévole)", "/entraide/missions/", persona="volunteer", expect="à pourvoir"
    ),
    Endpoint("volunteer_sign_up", "Devenir bénévole à Dinan (visiteur)", "/benevoles/devenir-benevole/22050/", expect="Devenir bénévole"),
    Endpoint("housing", "Hébergement d’isolement, places et demandes (membre)", "/hebergement/", persona="partner", expect="Places libres"),
    Endpoint(
        "housing_capacity", "Places d’isolement libres, région", "/hebergement/capacites/", persona="region", expect="Places libres par"
    ),
    Endpoint("housing_ask", "Demander un hébergement d’isolement à Dinan (visiteur)", "/hebergement/demander/22050/", expect="hébergement"),
    Endpoint("hotline_log", "Journal d’appels du numéro vert (écoutant)", "{line}/", persona="operator", expect="Appel en cours"),
    Endpoint(
        "hotline_services",
        "Services cherchés « repas » à Dinan (écoutant)",
        "{line}/services/?q=repas&commune=22050",
        persona="operator",
        expect="service-choix",
    ),
    Endpoint("hotline_callbacks", "Rappels à faire (écoutant)", "{line}/rappels/", persona="operator", expect="Rappels à faire"),
    Endpoint(
        "hotline_faq",
        "FAQ cherchée « attestation » (écoutant)",
        "{line}/faq/?q=attestation&fragment=1",
        persona="operator",
        expect="accordion",
    ),
    Endpoint(
        "public_faq", "Questions et réponses à Dinan (visiteur)", "/numero-vert/questions/?commune=22050", expect="Questions et réponses"
    ),
    Endpoint("jobs", "Tâches de fond (région)", "/taches/", persona="region", expect="Tâches de fond"),
    Endpoint("veille_region", "Chiffres de la veille, région", "/veille/", persona="region", expect="Campagnes de veille"),
    Endpoint(
        "veille_department",
        "Chiffres de la veille, un département (région)",
        "/veille/?departement=22",
        persona="region",
        expect="par commune",
    ),
]
