from django.urls import path

from sunlight.enforcement import decision_views, device_views, views

app_name = "enforcement"

urlpatterns = [
    path("", views.index, name="index"),
    path("capture/", views.capture, name="capture"),
    path("cases/<str:number>/evidence/", views.case_evidence, name="case_evidence"),
    path("cases/<str:number>/decision/", decision_views.decide, name="decision"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("devices/", device_views.device_list, name="devices"),
    path("devices/<int:pk>/retire/", device_views.device_retire, name="device_retire"),
]
