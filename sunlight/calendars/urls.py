from django.urls import URLPattern, URLResolver, path

from sunlight.calendars import views

app_name = "calendars"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("import/", views.import_days, name="import"),
    path("<int:year>/", views.year_view, name="year"),
    path("<int:year>/edit/", views.edit, name="edit"),
    path("<int:year>.csv", views.year_csv, name="year_csv"),
]
