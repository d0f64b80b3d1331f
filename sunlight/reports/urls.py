from django.urls import URLPattern, URLResolver, path

from sunlight.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    # The reporter (no sign-in).
    path("new/", views.new, name="new"),
    path("follow/", views.follow, name="follow"),
    # The inspectors.
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/identity/", views.identity, name="identity"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/<str:step>/", views.handle, name="handle"),
]
