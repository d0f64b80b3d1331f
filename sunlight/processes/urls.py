from django.urls import path

from sunlight.processes import views

app_name = "processes"

urlpatterns = [
    path("", views.index, name="index"),
    path("schema.json", views.schema, name="schema"),
    path("edit/", views.edit, name="edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/diagram.svg", views.svg, name="svg"),
    path("<int:pk>/bpmn/", views.export_bpmn, name="bpmn"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
