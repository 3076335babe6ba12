from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle-ligne/", views.line_edit, name="line_create"),
    path("questions/", views.public_faq, name="public_faq"),
    path("faq/", views.faq_index, name="faq"),
    path("faq/nouvelle/", views.faq_edit, name="faq_create"),
    path("faq/<uuid:public_id>/", views.faq_entry, name="faq_entry"),
    path("faq/<uuid:public_id>/modifier/", views.faq_edit, name="faq_edit"),
    path("faq/<uuid:public_id>/etat/", views.faq_state, name="faq_state"),
    path("propositions/", views.proposals, name="proposals"),
    path("propositions/<uuid:public_id>/", views.proposal, name="proposal"),
    path("<uuid:public_id>/", views.log, name="log"),
    path("<uuid:public_id>/chiffres/", views.line_figures, name="figures"),
    path("<uuid:public_id>/modifier/", views.line_edit, name="line_edit"),
    path("<uuid:public_id>/faq/", views.faq_panel, name="faq_panel"),
    path("<uuid:public_id>/services/", views.service_panel, name="service_panel"),
    path("<uuid:public_id>/appel-manque/", views.missed, name="missed"),
    path("<uuid:public_id>/rappels/", views.callbacks, name="callbacks"),
    path("<uuid:public_id>/rappels/<uuid:callback_id>/", views.callback, name="callback"),
]
