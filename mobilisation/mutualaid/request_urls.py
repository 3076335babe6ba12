from django.urls import path

from . import request_views as views

app_name = "aid"

urlpatterns = [
    path("demander/merci/", views.asked, name="asked"),
    path("demander/<str:insee_code>/", views.ask, name="ask"),
    path("demandes/", views.queue, name="requests"),
    path("demandes/nouvelle/", views.new_request, name="new_request"),
    path("demandes/<uuid:public_id>/", views.detail, name="request"),
    path("demandes/<uuid:public_id>/qualifier/", views.qualify, name="qualify"),
    path("demandes/<uuid:public_id>/attribuer/", views.assign, name="assign"),
    path("demandes/<uuid:public_id>/annuler/", views.cancel, name="cancel"),
    path("actions/", views.pools, name="pools"),
    path("actions/<uuid:public_id>/retirer/", views.pool_delete, name="pool_delete"),
    path("missions/", views.missions, name="missions"),
    path("missions/<uuid:public_id>/", views.mission, name="mission"),
    path("missions/<uuid:public_id>/prendre/", views.claim, name="claim"),
    path("missions/<uuid:public_id>/commencer/", views.start, name="start"),
    path("missions/<uuid:public_id>/faite/", views.deliver, name="deliver"),
    path("missions/<uuid:public_id>/rendre/", views.release, name="release"),
]
