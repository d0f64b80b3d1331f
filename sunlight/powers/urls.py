from django.urls import URLPattern, URLResolver

app_name = "powers"

urlpatterns: list[URLPattern | URLResolver] = []
