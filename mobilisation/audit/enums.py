from django.db import models


class AuditAction(models.TextChoices):
    READ = "consultation", "Consultation"
    CREATE = "creation", "Création"
    UPDATE = "modification", "Modification"
    ERASE = "effacement", "Effacement"
    EXPORT = "export", "Export"
    CALL_LIST = "liste_appels", "Liste d’appels"
    IMPORT = "import", "Import"
    PRINT = "impression", "Impression"
