from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.edit, name="create"),
    path("<uuid:public_id>/", views.organisation, name="organisation"),
    path("<uuid:public_id>/modifier/", views.edit, name="edit"),
]
