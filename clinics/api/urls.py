from django.urls import path

from clinics.api import views

app_name = "api"

urlpatterns = [
    path("clinics/", views.ClinicListView.as_view(), name="clinic-list"),
    path("clinics.geojson", views.ClinicGeoJSONView.as_view(), name="clinic-geojson"),
    path("clinics/nearest/", views.NearestClinicsView.as_view(), name="clinic-nearest"),
    path("clinics/<slug:slug>/", views.ClinicDetailView.as_view(), name="clinic-detail"),
    path("services/", views.ServiceListView.as_view(), name="service-list"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("health/", views.HealthView.as_view(), name="health"),
]
