from django.urls import path

from sunlight.documents import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:number>/", views.verify, name="verify_number"),
    path("seal-ca.pem", views.ca_certificate, name="ca"),
    path("<str:number>.pdf", views.download, name="download"),
]
