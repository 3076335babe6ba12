from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.edit, name="create"),
    path("<uuid:public_id>/", views.organisation, name="organisation"),
    path("<uuid:public_id>/modifier/", views.edit, name="edit"),
    path("<uuid:organisation_id>/services/nouveau/", views.edit_service, name="service_create"),
    path("services/", views.services_export, name="services_export"),
    path("services/<uuid:public_id>/", views.service, name="service"),
    path("services/<uuid:public_id>/modifier/", views.edit_service, name="service_edit"),
]
