from django.urls import path

from .views import figures, imports, register, veille

app_name = "followup"

urlpatterns = [
    path("", register.index, name="index"),
    path("inscrire/", register.edit, name="create"),
    path("export-prefet/", register.prefect_export, name="prefect_export"),
    path("import/", imports.index, name="imports"),
    path("import/modele/", imports.template, name="import_template"),
    path("import/<uuid:public_id>/", imports.detail, name="import"),
    path("import/<uuid:public_id>/avancement/", imports.progress, name="import_progress"),
    path("import/<uuid:public_id>/confirmer/", imports.confirm, name="import_confirm"),
    path("import/<uuid:public_id>/abandonner/", imports.cancel, name="import_cancel"),
    path("<uuid:public_id>/", register.person, name="person"),
    path("<uuid:public_id>/modifier/", register.edit, name="edit"),
    path("<uuid:public_id>/accuse-de-reception.pdf", register.acknowledgement_letter, name="acknowledgement_letter"),
    path("<uuid:public_id>/accuse-envoye/", register.acknowledge, name="acknowledge"),
    path("<uuid:public_id>/opposition/", register.objection, name="objection"),
    path("<uuid:public_id>/radier/", register.erase, name="erase"),
]

urlpatterns += [
    path("veille/", veille.campaigns, name="campaigns"),
    path("veille/preparer/", veille.campaign_edit, name="campaign_create"),
    path("veille/<uuid:public_id>/", veille.campaign, name="campaign"),
    path("veille/<uuid:public_id>/modifier/", veille.campaign_edit, name="campaign_edit"),
    path("veille/<uuid:public_id>/tour/", veille.campaign_round, name="campaign_round"),
    path("veille/<uuid:public_id>/liste-d-appels.pdf", veille.call_list_pdf, name="call_list_pdf"),
    path("veille/<uuid:public_id>/saisie-papier/", veille.paper_entry, name="paper_entry"),
    path("veille/<uuid:public_id>/<slug:transition>/", veille.campaign_transition, name="campaign_transition"),
    path("escalades/", veille.escalations, name="escalations"),
    path("escalades/<uuid:public_id>/", veille.escalation, name="escalation"),
    path("escalades/<uuid:public_id>/visite/", veille.escalation_visit, name="escalation_visit"),
]

# The callers' pages (agents and volunteer callers), under /appels/.
call_urlpatterns = [
    path("", veille.calls, name="index"),
    path("suivant/", veille.take_next, name="next"),
    path("<uuid:public_id>/", veille.call, name="call"),
    path("<uuid:public_id>/rendre/", veille.release, name="release"),
]

# The aggregates, for the ARS, the delegations, the coordinators and the elected officials, under /veille/.
figure_urlpatterns = [path("", figures.index, name="figures")]
