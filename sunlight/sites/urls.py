from django.urls import path

from sunlight.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_sites, name="project"),
    path("projects/<int:pk>/sites/", views.add_site, name="add_site"),
    path("sites/<int:pk>/cameras/", views.add_camera, name="add_camera"),
    path("sites/<int:pk>/schedules/", views.add_schedule, name="add_schedule"),
    path("visits/<int:pk>/check-in/", views.check_in, name="check_in"),
]
