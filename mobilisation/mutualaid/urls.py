from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.index, name="index"),
    path("devenir-benevole/", views.start, name="start"),
    path("devenir-benevole/merci/", views.thanks, name="thanks"),
    path("devenir-benevole/<str:insee_code>/", views.sign_up, name="sign_up"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/pause/", views.pause, name="pause"),
    path("mon-espace/depart/", views.leave, name="leave"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/valider/", views.validate, name="validate"),
    path("<uuid:public_id>/decliner/", views.refuse, name="refuse"),
    path("<uuid:public_id>/retirer/", views.end, name="end"),
]
