from django.urls import path

from sunlight.cases import public_views, views

app_name = "cases"

urlpatterns = [
    path("new/", views.new, name="new"),
    path("new/<int:pk>/", views.start, name="start"),
    path("steps/bulk/", views.bulk_complete, name="bulk"),
    path("query/", public_views.query, name="query"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/steps/<int:step_id>/", views.step, name="step"),
    path("<str:number>/suspend/", views.suspend, name="suspend"),
    path("<str:number>/resume/", views.resume, name="resume"),
    path("<str:number>/extend/", views.extend, name="extend"),
    path("<str:number>/extensions/<int:pk>/", views.decide_extension, name="decide_extension"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
