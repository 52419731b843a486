from django.urls import path

from embed import views

app_name = "embed"

# Outside any language prefix: the snippet names these addresses for years, and the frame takes ?lang=.
urlpatterns = [
    path("embed.js", views.script, name="script"),
    path("embed/", views.builder, name="builder"),
    path("embed/finder/", views.finder, name="finder"),
    path("embed/sample-article/", views.sample_article, name="sample-article"),
]
