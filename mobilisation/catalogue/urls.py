from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.new_mobilisation, name="new_mobilisation"),
    path("<slug:slug>/", views.mobilisation_detail, name="mobilisation"),
    path("<slug:slug>/modifier/", views.edit_mobilisation, name="edit_mobilisation"),
    path("<slug:slug>/ressources/", views.resources, name="resources"),
    path("<slug:slug>/ressources/nouvelle/", views.edit_resource, name="new_resource"),
    path("<slug:slug>/ressources/<slug:resource_slug>/modifier/", views.edit_resource, name="edit_resource"),
    path("<slug:slug>/actions/nouvelle/", views.edit_action_model, name="new_action_model"),
    path("<slug:slug>/actions/<slug:action_slug>/", views.action_model_detail, name="action_model"),
    path("<slug:slug>/actions/<slug:action_slug>/modifier/", views.edit_action_model, name="edit_action_model"),
    path("<slug:slug>/actions/<slug:action_slug>/historique/", views.action_model_history, name="action_model_history"),
]
