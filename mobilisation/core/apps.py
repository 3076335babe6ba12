from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "mobilisation.core"
    label = "core"
    verbose_name = "Socle"
    default = True


class MobilisationAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "mobilisation.core.admin.MobilisationAdminSite"
