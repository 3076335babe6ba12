from django.urls import path, register_converter

from mobilisation.core.converters import DepartmentCodeConverter, InseeCodeConverter, SirenConverter

from . import views

register_converter(DepartmentCodeConverter, "department")
register_converter(InseeCodeConverter, "insee")
register_converter(SirenConverter, "siren")

app_name = "territories"

urlpatterns = [
    path("", views.region, name="region"),
    path("recherche/", views.search, name="search"),
    path("carte/", views.map_view, name="map"),
    path("carte/<slug:layer>.geojson", views.layer_geojson, name="layer_geojson"),
    path("contours/<slug:level>/<slug:code>.geojson", views.territory_geojson, name="territory_geojson"),
    path("departements/<department:code>/", views.department, name="department"),
    path("departements/<department:code>/communes/", views.department_communes, name="department_communes"),
    path("epci/<siren:siren>/", views.epci, name="epci"),
    path("communes/<insee:insee_code>/", views.commune, name="commune"),
]
