from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "mobilisation.contracts"
    label = "contracts"
    verbose_name = "Contrats locaux de santé"
