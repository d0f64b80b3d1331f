from django.urls import URLPattern, URLResolver, path

from sunlight.portal import query, views
from sunlight.ratings import views as rating_views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.services, name="services"),
    path("query/", query.query, name="query"),
    # The service hall's query computers: the same pages in the kiosk frame.
    path("kiosk/", views.kiosk_home, name="kiosk"),
    path("kiosk/query/", query.kiosk_query, name="kiosk_query"),
    path("kiosk/rate/", rating_views.kiosk_rate, name="kiosk_rate"),
    path("kiosk/satisfaction/", rating_views.kiosk_satisfaction, name="kiosk_satisfaction"),
]
