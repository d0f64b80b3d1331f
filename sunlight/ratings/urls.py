from django.urls import URLPattern, URLResolver, path

from sunlight.ratings import views

app_name = "ratings"

urlpatterns: list[URLPattern | URLResolver] = [
    # The public: rate a concluded case, read the published satisfaction.
    path("", views.satisfaction, name="satisfaction"),
    path("rate/", views.rate, name="rate"),
    # Units' monitoring centres and inspectors.
    path("unit/", views.unit_ratings, name="unit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/rectify/", views.rectify, name="rectify"),
    path("<int:pk>/appeal/", views.appeal, name="appeal_file"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
]
