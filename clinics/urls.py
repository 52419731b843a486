from django.urls import path

from clinics import views

app_name = "clinics"

urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find, name="find"),
    path("clinics/", views.clinic_list, name="list"),
    path("clinics/<slug:slug>/", views.clinic_detail, name="detail"),
]
