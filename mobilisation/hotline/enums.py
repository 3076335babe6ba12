from django.db import models


class CallerKind(models.TextChoices):
    PERSON = "personne", "La personne concernée"
    RELATIVE = "proche", "Un proche ou un voisin"
    PROFESSIONAL = "professionnel", "Un professionnel (santé, social, aide à domicile)"
    TOWN_HALL = "mairie", "Une mairie ou un élu"
    OTHER = "autre", "Autre"


class Reason(models.TextChoices):
    """Why people call (several per call: Call.reasons holds one bit each), and the themes of the FAQ."""

    SYMPTOMS = "symptomes", "Symptômes, test, que faire"
    ISOLATION = "isolement", "Isolement, cas contact, quarantaine"
    VACCINATION = "vaccination", "Vaccination"
    MEASURES = "mesures", "Mesures en vigueur (déplacements, couvre-feu, confinement)"
    HELP = "aide", "Besoin d’aide (courses, repas, médicaments…)"
    LONELINESS = "solitude", "Solitude, besoin de parler"
    RIGHTS = "droits", "Droits, aides sociales, travail"
    OTHER = "autre", "Autre question"


# One bit per reason, in the list's order.
REASON_BITS = {reason: 1 << index for index, reason in enumerate(Reason)}


def reason_bits(values):
    bits = 0
    for value in values:
        bits |= REASON_BITS[Reason(value)]
    return bits


def reasons_of(bits):
    return [reason for reason, bit in REASON_BITS.items() if bits & bit]


class Referral(models.TextChoices):
    NONE = "aucune", "Aucune : la réponse a suffi"
    SERVICE = "service", "Un service de l’annuaire"
    SOCIAL_SERVICES = "ccas", "Le CCAS ou le CIAS"
    DOCTOR = "medecin", "Le médecin traitant ou le pharmacien"
    EMERGENCY = "urgence", "Le SAMU (15) : urgence"
    OTHER = "autre", "Une autre orientation"


class CallbackOrigin(models.TextChoices):
    MISSED = "manque", "Appel manqué ou message"
    PROMISED = "promis", "Rappel promis pendant un appel"


class CallbackState(models.TextChoices):
    OPEN = "a-rappeler", "À rappeler"
    DONE = "fait", "Rappel fait"
    UNREACHED = "sans-reponse", "Sans réponse après les essais"
    WRONG_NUMBER = "faux-numero", "Faux numéro"
    CANCELLED = "annule", "Annulé"


class CallbackOutcome(models.TextChoices):
    """What an operator who took a callback says of it (a reached callback is a call: the call log records it)."""

    NO_ANSWER = "pas-de-reponse", "Pas de réponse, message laissé ou non"
    WRONG_NUMBER = "faux-numero", "Faux numéro"
    CANCELLED = "annule", "Plus besoin de rappeler (la personne a rappelé, doublon)"


class FaqState(models.TextChoices):
    PROPOSED = "proposee", "Proposée, à valider par l’ARS"
    VALIDATED = "validee", "Validée par l’ARS"
    WITHDRAWN = "retiree", "Retirée"


class ProposalState(models.TextChoices):
    NEW = "a-examiner", "À examiner"
    REGISTERED = "inscrite", "Inscrite au registre"
    DECLINED = "ecartee", "Écartée"
