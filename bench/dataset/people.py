"""Invented people and organisations for the dataset: common French and Breton names, fiction phone numbers."""

import functools

from django.utils.text import slugify

# A sentence of names reads better than a column of 63 strings.
_FIRST_NAMES = (
    "Anne Marie Claire Sophie Nathalie Isabelle Catherine Sandrine Valérie Céline Aurélie Émilie Julie "
    "Camille Léa Manon Chloé Sarah Laura Pauline Maëlle Nolwenn Gwenaëlle Soizic Katell Enora Morgane "
    "Rozenn Maïwenn Annaïg Jean Pierre Michel Philippe Alain Patrick Nicolas Christophe Stéphane Laurent "
    "Julien Thomas Antoine Maxime Hugo Lucas Louis Yann Erwan Gwendal Loïc Ronan Goulven Tanguy Corentin "
    "Mael Briac Gurvan Kilian Malo Tugdual Yannick Hervé"
)
FIRST_NAMES = tuple(_FIRST_NAMES.split())

LAST_NAMES = (
    "Le Gall",
    "Le Goff",
    "Le Roux",
    "Le Bihan",
    "Le Floch",
    "Le Corre",
    "Le Guen",
    "Le Meur",
    "Le Bras",
    "Le Moal",
    "Le Berre",
    "Le Borgne",
    "Le Gac",
    "Tanguy",
    "Guillou",
    "Morvan",
    "Riou",
    "Kerjean",
    "Jaouen",
    "Quéré",
    "Quéméner",
    "Cadiou",
    "Lagadec",
    "Salaün",
    "Nédélec",
    "Prigent",
    "Perrot",
    "Hamon",
    "Hervé",
    "Collet",
    "Guégan",
    "Guillemot",
    "Le Bars",
    "Le Lay",
    "Kervella",
    "Person",
    "Abgrall",
    "Bescond",
    "Caradec",
    "Daniel",
    "Even",
    "Gourvès",
    "Jézéquel",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
)

# Organisations a CLS works with: (kind, name pattern). {commune} is a commune the organisation serves.
ORGANISATION_PATTERNS = (
    ("ccas", "CCAS de {commune}"),
    ("association", "Association d’entraide de {commune}"),
    ("association", "Épicerie solidaire de {commune}"),
    ("association", "Club des aînés de {commune}"),
    ("association", "Centre social de {commune}"),
    ("association", "Comité local de solidarité de {commune}"),
    ("association", "Association des familles de {commune}"),
    ("association", "Amicale des donneurs de sang de {commune}"),
    ("association", "Association sportive de {commune}"),
    ("professionnel_sante", "Maison de santé pluriprofessionnelle de {commune}"),
    ("professionnel_sante", "Pharmacie du centre de {commune}"),
    ("professionnel_sante", "Service de soins infirmiers à domicile de {commune}"),
    ("professionnel_sante", "Centre de santé de {commune}"),
    ("service_public", "Médiathèque de {commune}"),
    ("service_public", "Espace France services de {commune}"),
    ("service_public", "Mission locale – antenne de {commune}"),
    ("autre", "Service d’aide à domicile de {commune}"),
    ("autre", "Résidence autonomie de {commune}"),
)


def full_name(ctx):
    return ctx.rng.choice(FIRST_NAMES), ctx.rng.choice(LAST_NAMES)


def fiction_phone(ctx):
    """A number of the range ARCEP keeps for fiction in the west of France (02 61 91 xx xx): never a real line."""
    return f"02 61 91 {ctx.rng.randint(0, 99):02d} {ctx.rng.randint(0, 99):02d}"


@functools.cache
def email_part(name):
    """The name as it appears in an e-mail address (computed once per name: the names are few)."""
    return slugify(name)
