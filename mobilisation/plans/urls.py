from django.urls import path

from .views import actions, ars, document, funding, plan

app_name = "plans"

urlpatterns = [
    path("", ars.follow_up, name="follow_up"),
    path("restrictions/", ars.restrictions, name="restrictions"),
    path("actions-restreintes/", ars.restricted_actions, name="restricted_actions"),
    path("cls/<uuid:cls_id>/<slug:slug>/", plan.start, name="start"),
    path("<uuid:public_id>/", plan.detail, name="plan"),
    path("<uuid:public_id>/document.pdf", document.plan_pdf, name="plan_pdf"),
    path("<uuid:public_id>/diagnostic/", plan.diagnosis, name="diagnosis"),
    path("<uuid:public_id>/statut/", plan.move, name="move"),
    path("<uuid:public_id>/fiches-actions/", plan.existing_actions, name="existing_actions"),
    path("<uuid:public_id>/copil/", plan.copil, name="copil"),
    path("<uuid:public_id>/messages/", plan.post_message, name="post_message"),
    path("<uuid:public_id>/catalogue/", actions.catalogue, name="catalogue"),
    path("<uuid:public_id>/catalogue/<uuid:model_id>/adopter/", actions.adopt, name="adopt"),
    path("<uuid:public_id>/actions/nouvelle/", actions.edit, name="new_action"),
    path("actions/<uuid:action_id>/", actions.detail, name="action"),
    path("actions/<uuid:action_id>/modifier/", actions.edit, name="edit_action"),
    path("actions/<uuid:action_id>/etat/", actions.move, name="move_action"),
    path("actions/<uuid:action_id>/modele/", actions.model_changes, name="model_changes"),
    path("actions/<uuid:action_id>/indicateurs/", actions.add_indicator, name="add_indicator"),
    path("actions/<uuid:action_id>/indicateurs/<int:indicator_id>/avancement/", actions.add_progress, name="add_progress"),
    path("actions/<uuid:action_id>/indicateurs/<int:indicator_id>/cible/", actions.set_target, name="set_target"),
    path("actions/<uuid:action_id>/budget/", actions.add_budget_line, name="add_budget_line"),
    path("actions/<uuid:action_id>/financement/", funding.ask, name="ask_funding"),
    path("financements/<uuid:public_id>/", funding.detail, name="funding_request"),
    path("financements/<uuid:public_id>/instruction/", funding.instruct, name="instruct_funding"),
    path("financements/<uuid:public_id>/commentaires/", funding.comment, name="comment_funding"),
    path("financements/<uuid:public_id>/utilisation/", funding.report_usage, name="report_funding_usage"),
]
