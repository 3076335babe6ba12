from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "mobilisation.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue des actions"
