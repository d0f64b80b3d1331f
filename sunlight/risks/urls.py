from django.urls import path

from sunlight.risks import import_views, plan_views, views

app_name = "risks"

urlpatterns = [
    path("", views.register, name="register"),
    path("statistics/", import_views.statistics, name="statistics"),
    path("units/<int:unit_id>/points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/retire/", views.point_retire, name="point_retire"),
    path("points/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/review/", views.measure_review, name="measure_review"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("units/<int:unit_id>/plans/new/", plan_views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/submit/", plan_views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/return/", plan_views.plan_return, name="plan_return"),
    path("plans/<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("reviews/", plan_views.reviews, name="reviews"),
    path("import/", import_views.import_register, name="import"),
    path("import/<str:job_id>/", import_views.import_job, name="import_job"),
    path("export.xlsx", import_views.export_register, name="export"),
]
