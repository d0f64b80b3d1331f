from django.urls import URLPattern, URLResolver

app_name = "alarms"

urlpatterns: list[URLPattern | URLResolver] = []
