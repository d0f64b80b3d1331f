from django.urls import path

from sunlight.alarms import views

app_name = "alarms"

urlpatterns = [
    path("", views.alarm_list, name="list"),
    path("new/", views.raise_by_hand, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.take, name="take"),
]
