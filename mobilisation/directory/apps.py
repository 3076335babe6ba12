from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "mobilisation.directory"
    label = "directory"
    verbose_name = "Annuaire"
