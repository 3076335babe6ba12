from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("", views.region, name="region"),
    path("recherche/", views.search, name="search"),
    path("carte/", views.map_view, name="map"),
    path("carte/<slug:layer>.geojson", views.layer_geojson, name="layer_geojson"),
    path("contours/<slug:level>/<str:code>.geojson", views.territory_geojson, name="territory_geojson"),
    path("departements/<str:code>/", views.department, name="department"),
    path("departements/<str:code>/communes/", views.department_communes, name="department_communes"),
    path("epci/<str:siren>/", views.epci, name="epci"),
    path("communes/<str:insee_code>/", views.commune, name="commune"),
]
