from django.urls import path

from clinics import views

app_name = "clinics"

urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find, name="find"),
    path("clinics/", views.clinic_list, name="list"),
    path("clinics/<slug:slug>/", views.clinic_detail, name="detail"),
    path("conditions/", views.condition_index, name="conditions"),
    path("conditions/<slug:slug>/", views.condition_page, name="condition"),
    path("clinics/<slug:slug>/preview/", views.clinic_preview, name="preview"),
]
