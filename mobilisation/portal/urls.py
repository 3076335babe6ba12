from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("espace/", views.dashboard, name="dashboard"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("sources-des-donnees/", views.data_sources, name="data_sources"),
    path("aide/", views.help_search, name="help_search"),
    path("aide/<str:insee_code>/", views.help_commune, name="help_commune"),
    path("aide/<str:insee_code>/services.geojson", views.help_points, name="help_points"),
]
