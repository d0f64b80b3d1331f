from django.urls import path

from sunlight.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.console, name="console"),
]
