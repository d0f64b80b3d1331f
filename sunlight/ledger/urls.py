from django.urls import path

from sunlight.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.health, name="health"),
    path("public-key.json", views.public_key, name="public_key"),
    path("trail/<str:object_type>/<str:object_id>/", views.trail, name="trail"),
    path("trail/<str:object_type>/<str:object_id>/bundle.json", views.bundle, name="bundle"),
]
