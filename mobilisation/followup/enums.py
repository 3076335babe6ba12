"""Closed lists of the register of vulnerable people (CASF R121-2 to R121-12)."""

from django.db import models


class Category(models.TextChoices):
    """The capacity in which a person is registered (CASF L121-6-1)."""

    AGED_65 = "65_ans", "Personne âgée de 65 ans et plus"
    AGED_60_UNFIT = "60_ans_inapte", "Personne de plus de 60 ans reconnue inapte au travail"
    DISABLED_ADULT = "adulte_handicape", "Personne adulte handicapée"


class Provenance(models.TextChoices):
    """Who asked for the registration, or who passed the person's data (loi 2024-317: unless the person objects)."""

    PERSON = "personne", "La personne elle-même"
    REPRESENTATIVE = "representant", "Son représentant légal"
    THIRD_PARTY = "tiers", "Un tiers (parent, voisin, médecin…), la personne ne s’y opposant pas"
    DEPARTEMENT = "departement", "Transmission du Département (bénéficiaire de l’APA ou de la PCH)"
    CARSAT = "carsat", "Transmission de la CARSAT"

    @property
    def is_transmission(self):
        """Registered by law unless the person objects: the letter informs them of their right to object."""
        return self in (Provenance.DEPARTEMENT, Provenance.CARSAT)

    @property
    def names_requester(self):
        return self in (Provenance.REPRESENTATIVE, Provenance.THIRD_PARTY)


class RegistrationState(models.TextChoices):
    REGISTERED = "inscrite", "Inscrite"
    # Kept with its identity only (name, birth date, commune), so that a later transmission does not register again
    # someone who said no; everything else is erased.
    OBJECTED = "opposee", "Opposée à l’inscription"
    REMOVED = "radiee", "Radiée (données effacées)"


class ConsentGiver(models.TextChoices):
    PERSON = "personne", "La personne elle-même"
    REPRESENTATIVE = "representant", "Son représentant légal"


class ConsentChannel(models.TextChoices):
    WRITTEN = "ecrit", "Par écrit (formulaire signé)"
    PHONE = "telephone", "Par téléphone"
    IN_PERSON = "en_personne", "En personne, à l’accueil ou à domicile"


# The veille: campaigns of calls and visits, their tasks, outcomes and escalation.


class CampaignState(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    RUNNING = "en_cours", "En cours"
    PAUSED = "suspendue", "Suspendue"
    CLOSED = "close", "Close"


class CampaignTrigger(models.TextChoices):
    RESTRICTION = "restriction", "Une période de restriction (confinement, couvre-feu…)"
    HEATWAVE = "canicule", "Un épisode de canicule ou de grand froid"
    MANUAL = "manuel", "Une décision du CCAS"


class TaskState(models.TextChoices):
    OPEN = "ouverte", "À faire"
    DONE = "faite", "Faite"
    CANCELLED = "annulee", "Annulée"


class TaskKind(models.TextChoices):
    CALL = "appel", "Appel"
    VISIT = "visite", "Visite à domicile"


class Outcome(models.TextChoices):
    """What a call or visit found, typed in a few keystrokes (the key is the first letter of the label)."""

    FINE = "bien", "Joint(e), va bien"
    NEEDS_HELP = "besoin", "Joint(e), a besoin d’aide"
    NOT_REACHED = "injoignable", "Pas de réponse"
    REFUSED = "refus", "Refuse le suivi"
    HOSPITALISED = "hospitalise", "Hospitalisé(e)"
    DECEASED = "decede", "Décédé(e)"
    WRONG_NUMBER = "mauvais_numero", "Numéro erroné"

    @property
    def reached(self):
        return self in (Outcome.FINE, Outcome.NEEDS_HELP, Outcome.REFUSED)


class Need(models.TextChoices):
    SHOPPING = "courses", "Courses"
    MEDICINE = "medicaments", "Médicaments"
    MEAL = "repas", "Repas"
    VISIT = "visite", "Visite, compagnie"
    MEDICAL = "medical", "Soins, médecin"
    PSYCHOLOGICAL = "psychologique", "Soutien psychologique"


class FinalStatus(models.TextChoices):
    """Where a person stands at the end of a campaign (Go.Data, SORMAS: completed, lost, stopped, died)."""

    IN_PROGRESS = "en_cours", "Suivi en cours"
    COMPLETED = "suivi_complet", "Suivi(e) jusqu’au bout"
    LOST = "perdu", "Perdu(e) de vue"
    STOPPED = "arret_demande", "Suivi arrêté à sa demande"
    HOSPITALISED = "hospitalise", "Hospitalisé(e)"
    DECEASED = "decede", "Décédé(e)"


class EscalationReason(models.TextChoices):
    UNREACHED = "injoignable", "Injoignable après tous les essais"
    DISTRESS = "detresse", "En détresse"
    WRONG_NUMBER = "mauvais_numero", "Numéro erroné"


class EscalationLevel(models.IntegerChoices):
    """The ladder, one rung after the other, until someone has seen the person."""

    CONTACTS = 1, "Appeler les personnes à prévenir"
    HOME_CARE = 2, "Appeler le service intervenant à domicile"
    CCAS_VISIT = 3, "Visite à domicile par le CCAS"
    EMERGENCY = 4, "Police municipale ou secours (15, 17, 18)"


class StepOutcome(models.TextChoices):
    SEEN_FINE = "va_bien", "La personne va bien"
    SEEN_HELPED = "aidee", "La personne est aidée ou prise en charge"
    NO_NEWS = "sans_nouvelles", "Pas de nouvelles : échelon suivant"


class EscalationState(models.TextChoices):
    OPEN = "ouverte", "En cours"
    RESOLVED = "resolue", "Résolue"


# Imports of an existing register.


class ImportState(models.TextChoices):
    CHECKING = "verification", "Vérification en cours"
    TO_FIX = "a_corriger", "À corriger"
    READY = "pret", "Prêt à importer"
    IMPORTING = "import", "Import en cours"
    DONE = "fait", "Importé"
    CANCELLED = "annule", "Abandonné"
    FAILED = "echec", "Échec"


class DuplicateChoice(models.TextChoices):
    """What to do with a row whose person is already registered (same name, first name, birth date, commune)."""

    MERGE = "fusionner", "Compléter la fiche existante avec les valeurs du fichier"
    SKIP = "ignorer", "Ignorer la ligne : la fiche existante reste telle quelle"
    CREATE = "inscrire", "C’est une autre personne : l’inscrire"
