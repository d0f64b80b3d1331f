from django.urls import URLPattern, URLResolver

app_name = "risks"

urlpatterns: list[URLPattern | URLResolver] = []
