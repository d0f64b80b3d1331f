from django.urls import path

from sunlight.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.new_notice, name="new_notice"),
    path("notices/<int:pk>/", views.notice, name="notice"),
]
