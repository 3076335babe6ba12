"""The closed lists of mutual aid: what help is given, by whom, when."""

from django.db import models


class HelpKind(models.TextChoices):
    """The kinds of help a volunteer offers (their skills) and, later, a request asks for."""

    SHOPPING = "courses", "Courses"
    MEALS = "repas", "Portage de repas"
    MEDICINE = "medicaments", "Médicaments"
    TRANSPORT = "transport", "Transport, accompagnement"
    SOCIAL_CONTACT = "lien-social", "Lien social, appels de convivialité"
    DIGITAL = "numerique", "Aide numérique"
    OTHER = "autre", "Autre aide"


class AgeBand(models.TextChoices):
    MINOR = "16-17", "16 ou 17 ans (avec l’accord d’un parent)"
    YOUNG = "18-29", "18 à 29 ans"
    ADULT = "30-49", "30 à 49 ans"
    SENIOR = "50-64", "50 à 64 ans"
    ELDER = "65+", "65 ans et plus"


class Language(models.TextChoices):
    FRENCH = "fr", "Français"
    BRETON = "br", "Breton"
    ENGLISH = "en", "Anglais"
    SPANISH = "es", "Espagnol"
    GERMAN = "de", "Allemand"
    PORTUGUESE = "pt", "Portugais"
    ARABIC = "ar", "Arabe"
    TURKISH = "tr", "Turc"
    UKRAINIAN = "uk", "Ukrainien"
    RUSSIAN = "ru", "Russe"
    SIGN = "lsf", "Langue des signes française"


class Transport(models.TextChoices):
    FOOT = "pied", "À pied"
    BIKE = "velo", "À vélo"
    CAR = "voiture", "En voiture"
    PUBLIC = "transports", "En transports en commun"


class VolunteerState(models.TextChoices):
    PENDING = "a-valider", "À valider"
    VALIDATED = "valide", "Validé"
    REFUSED = "refuse", "Non retenu"
    LEFT = "parti", "A quitté le dispositif"


class RefusalReason(models.TextChoices):
    OUTSIDE = "hors-zone", "Nous n’intervenons pas dans ces communes"
    NO_NEED = "pas-de-besoin", "Nos besoins actuels sont couverts"
    UNREACHABLE = "injoignable", "Nous n’avons pas pu vous joindre"
    MINOR = "mineur", "Nos missions actuelles ne sont pas ouvertes aux mineurs"
    OTHER = "autre", "Autre raison, que nous vous expliquerons"


# The weekly availability grid: 7 days × 3 periods, one bit each (bit = day × 3 + period) in Volunteer.slots.
DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
PERIODS = [("matin", "Matin (8 h – 12 h)"), ("apres-midi", "Après-midi (12 h – 18 h)"), ("soir", "Soir (18 h – 21 h)")]
PERIOD_WORDS = ["matin", "après-midi", "soir"]
ALL_SLOTS = (1 << (len(DAYS) * len(PERIODS))) - 1


def slot_bit(day, period):
    return 1 << (day * len(PERIODS) + period)


class RequestState(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    QUALIFIED = "a-pourvoir", "À pourvoir"
    ASSIGNED = "attribuee", "Attribuée"
    UNDER_WAY = "en-cours", "En cours"
    DONE = "faite", "Faite"
    CANCELLED = "annulee", "Annulée"


OPEN_REQUEST_STATES = (RequestState.NEW, RequestState.QUALIFIED, RequestState.ASSIGNED, RequestState.UNDER_WAY)
HELD_REQUEST_STATES = (RequestState.ASSIGNED, RequestState.UNDER_WAY)


class Urgency(models.TextChoices):
    TODAY = "aujourdhui", "Aujourd’hui"
    SOON = "48h", "Sous 48 heures"
    WEEK = "semaine", "Dans la semaine"


class RequestSource(models.TextChoices):
    PORTAL = "portail", "Portail (la personne ou un proche)"
    HOTLINE = "numero-vert", "Numéro vert"
    FOLLOWUP = "veille", "Transmise par le CCAS"  # a veille call: the label tells no one outside the CCAS
    AGENT = "accueil", "Accueil ou téléphone de l’organisation"


class Requester(models.TextChoices):
    SELF = "la-personne", "La personne elle-même"
    RELATIVE = "un-proche", "Un proche (famille, voisin)"


class Fulfilment(models.TextChoices):
    FULL = "complete", "Entièrement"
    PARTIAL = "partielle", "En partie"


class RequestAction(models.TextChoices):
    CREATED = "creee", "Demande reçue"
    QUALIFIED = "qualifiee", "Qualifiée, à pourvoir"
    ASSIGNED = "attribuee", "Attribuée"
    CLAIMED = "prise", "Prise par le bénévole"
    STARTED = "commencee", "Commencée"
    DONE = "faite", "Faite"
    RELEASED = "rendue", "Rendue par le bénévole"
    TIMED_OUT = "expiree", "Revenue dans la file, faute d’action à temps"
    CANCELLED = "annulee", "Annulée"


# Isolation housing.


class HousingKind(models.TextChoices):
    FLAT = "logement", "Logement (appartement, maison)"
    GITE = "gite", "Gîte ou meublé"
    HOTEL = "hotel", "Chambre d’hôtel"
    RESIDENCE = "residence", "Résidence, foyer ou internat"
    OTHER = "autre", "Autre hébergement"


class BookingState(models.TextChoices):
    REQUESTED = "demandee", "Demandée"
    CONFIRMED = "confirmee", "Confirmée"
    ARRIVED = "arrivee", "Arrivée"
    ENDED = "terminee", "Terminée"
    REFUSED = "refusee", "Non retenue"
    CANCELLED = "annulee", "Annulée"


# The bookings that hold places for their nights (an ended stay keeps the nights it used: they were offered).
OCCUPYING_STATES = (BookingState.CONFIRMED, BookingState.ARRIVED, BookingState.ENDED)
OPEN_BOOKING_STATES = (BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.ARRIVED)


class BookingSource(models.TextChoices):
    PORTAL = "portail", "Portail (la personne ou un proche)"
    AGENT = "accueil", "Saisie par l’organisation"
