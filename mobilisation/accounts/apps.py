from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mobilisation.accounts"
    label = "accounts"
    verbose_name = "Comptes"
