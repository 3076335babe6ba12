"""Words of the plans the generator writes: fiches actions of CLS, new actions, needs, messages, budget lines."""

FICHES = (
    ("Accès aux soins", "Favoriser l’installation et le maintien des professionnels de santé"),
    ("Accès aux soins", "Développer l’exercice coordonné en maisons de santé"),
    ("Accès aux soins", "Faciliter l’accès aux droits de santé des publics précaires"),
    ("Santé mentale", "Promouvoir la santé mentale et prévenir le suicide"),
    ("Santé mentale", "Structurer un conseil local de santé mentale"),
    ("Prévention", "Prévenir les conduites addictives chez les jeunes"),
    ("Prévention", "Promouvoir une alimentation favorable à la santé et l’activité physique"),
    ("Prévention", "Développer la vaccination et les dépistages organisés"),
    ("Personnes âgées", "Prévenir la perte d’autonomie des personnes âgées à domicile"),
    ("Personnes âgées", "Lutter contre l’isolement des personnes âgées"),
    ("Environnement", "Améliorer la qualité de l’air intérieur et de l’habitat"),
    ("Parcours", "Fluidifier les parcours de santé des personnes en situation de handicap"),
    ("Jeunesse", "Accompagner la santé des jeunes en insertion"),
    ("Périnatalité", "Soutenir la parentalité et la périnatalité"),
)

NEW_ACTIONS = (
    "Tournées solidaires dans les bourgs de {commune}",
    "Permanence d’écoute téléphonique pour les aînés de {commune}",
    "Portage de courses et de médicaments à {commune}",
    "Distribution de masques aux associations de {commune}",
    "Atelier de prévention au marché de {commune}",
    "Appels de convivialité aux personnes isolées de {commune}",
    "Accompagnement vers le dépistage des habitants de {commune}",
    "Soutien psychologique des professionnels de santé de {commune}",
    "Information sur la vaccination dans les quartiers de {commune}",
    "Lien avec les résidences autonomie de {commune}",
    "Aide aux devoirs à distance pour les collégiens de {commune}",
    "Repérage des étudiants isolés de {commune}",
    "Navette vers le centre de vaccination depuis {commune}",
    "Affichage de prévention dans les commerces de {commune}",
)

ADAPTATIONS = (
    "{fiche} : version à distance pendant la crise",
    "{fiche} : renfort pendant l’épidémie",
    "{fiche} : priorité aux publics isolés",
)

NEEDS = (
    "Part élevée de personnes âgées vivant seules dans les communes rurales ; peu de transports vers les centres de dépistage.",
    "Étudiants et jeunes actifs isolés dans la ville-centre ; demandes d’aide alimentaire en hausse depuis le confinement.",
    "Professionnels de santé libéraux épuisés ; besoin de coordination avec les CCAS pour le repérage des personnes fragiles.",
    "Communes littorales à forte population saisonnière ; messages de prévention à adapter aux visiteurs.",
    "Quartiers prioritaires avec une faible couverture vaccinale ; besoin de médiation en santé.",
    "Îles et communes éloignées : accès difficile aux soins et aux tests, isolement accru des aînés.",
)

COORDINATOR_MESSAGES = (
    "Voici le plan mis à jour après le dernier COPIL : pouvez-vous nous dire si la ligne de financement est la bonne ?",
    "Les actions de distribution ont démarré cette semaine, nous vous transmettrons les premiers chiffres vendredi.",
    "Nous avons besoin des supports de l’ARS pour les relayer dans les bulletins communaux.",
    "Le couvre-feu nous oblige à décaler les ateliers : nous basculons sur des permanences téléphoniques.",
    "Pouvez-vous nous mettre en relation avec la plateforme territoriale d’appui ?",
)

ARS_MESSAGES = (
    "Merci pour ce plan très complet. La délégation peut participer au prochain COPIL.",
    "La ligne « fonds d’intervention régional » convient pour cette action ; pensez à préciser les cofinancements.",
    "Les nouveaux supports de prévention sont disponibles ; nous vous les envoyons.",
    "Bien noté pour le décalage des ateliers pendant le couvre-feu.",
    "Pouvez-vous préciser le nombre de personnes visées par l’action de repérage ?",
)

GENERIC_INDICATORS = (
    ("Nombre de personnes touchées", "personnes"),
    ("Nombre d’appels passés", "appels"),
    ("Nombre de partenaires mobilisés", "partenaires"),
    ("Nombre de séances organisées", "séances"),
    ("Nombre de livraisons effectuées", "livraisons"),
)

BUDGET_LINES = (
    ("depense", "Vacations d’animateurs"),
    ("depense", "Frais de déplacement"),
    ("depense", "Impression des supports"),
    ("depense", "Achat de masques et de gel"),
    ("depense", "Location de salle"),
    ("depense", "Ligne téléphonique dédiée"),
    ("cofinancement", "Participation de l’intercommunalité"),
    ("cofinancement", "Participation du conseil départemental"),
    ("cofinancement", "Fonds propres de l’association"),
)

FUNDING_JUSTIFICATIONS = (
    "Vacations d’animateurs et frais de déplacement pour les tournées.",
    "Achat de matériel de protection pour les bénévoles.",
    "Prise en charge d’une ligne téléphonique dédiée pendant trois mois.",
    "Impression et diffusion de supports de prévention adaptés.",
)

REFUSAL_REASONS = (
    "L’action relève du droit commun des communes.",
    "Le montant dépasse l’enveloppe départementale disponible ; à représenter avec un cofinancement.",
)

FUNDING_COMMENTS = (
    "Pouvez-vous joindre le budget prévisionnel détaillé ?",
    "Budget transmis, merci.",
    "Dossier complet, passage en comité de financement la semaine prochaine.",
)
