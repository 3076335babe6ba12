from django.urls import path

from . import housing_views as views

app_name = "housing"

urlpatterns = [
    path("", views.index, name="index"),
    path("capacites/", views.capacity, name="capacity"),
    path("demander/merci/", views.asked, name="asked"),
    path("demander/<str:insee_code>/", views.ask, name="ask"),
    path("lieux/nouveau/", views.place_edit, name="place_new"),
    path("lieux/<uuid:public_id>/", views.place, name="place"),
    path("lieux/<uuid:public_id>/modifier/", views.place_edit, name="place_edit"),
    path("lieux/<uuid:public_id>/reserver/", views.new_stay, name="new_stay"),
    path("reservations/<uuid:public_id>/", views.booking, name="booking"),
    path("reservations/<uuid:public_id>/<slug:step>/", views.booking_step, name="booking_step"),
]
