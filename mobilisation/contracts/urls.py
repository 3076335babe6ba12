from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("nouveau/", views.edit, name="create"),
    path("espace/<uuid:public_id>/", views.workspace, name="workspace"),
    path("espace/<uuid:public_id>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/", views.public_detail, name="public_detail"),
]
