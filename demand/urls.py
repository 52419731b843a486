from django.urls import path

from demand import views

app_name = "demand"

urlpatterns = [
    path("go/schedule/<slug:slug>/", views.schedule, name="schedule"),
]
