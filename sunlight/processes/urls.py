from django.urls import URLPattern, URLResolver

app_name = "processes"

urlpatterns: list[URLPattern | URLResolver] = []
