from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "mobilisation.core"
    label = "core"
    verbose_name = "Socle"
    default = True

    def ready(self):
        # Cached public pages follow their content (core.page_cache): any write of a public model, wherever it comes
        # from (a service, the admin, a loader's save), bumps their version. Bulk writes send no signal: the
        # loaders bump it themselves.
        from django.apps import apps
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .page_cache import (
            HELP_CONTENT_MODELS,
            HOUSING_MODELS,
            PEOPLE_MODELS,
            PUBLIC_CONTENT_MODELS,
            help_content_changed,
            housing_changed,
            people_changed,
            public_content_changed,
        )

        for name, labels, receiver in (
            ("public", PUBLIC_CONTENT_MODELS, public_content_changed),
            ("help", HELP_CONTENT_MODELS, help_content_changed),
            ("housing", HOUSING_MODELS, housing_changed),
            ("people", PEOPLE_MODELS, people_changed),
        ):
            for label in labels:
                model = apps.get_model(label)
                post_save.connect(receiver, sender=model, dispatch_uid=f"{name}-save-{label}")
                post_delete.connect(receiver, sender=model, dispatch_uid=f"{name}-delete-{label}")
                for field in model._meta.many_to_many:
                    m2m_changed.connect(receiver, sender=field.remote_field.through, dispatch_uid=f"{name}-m2m-{label}-{field.name}")


class MobilisationAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "mobilisation.core.admin.MobilisationAdminSite"
