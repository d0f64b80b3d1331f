from django.urls import path

from sunlight.operations import views

app_name = "operations"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("ping", views.ping, name="ping"),
    path("metrics", views.metrics, name="metrics"),
]
