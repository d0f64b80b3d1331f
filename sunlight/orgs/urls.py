from django.urls import path

from sunlight.orgs import manage_views, views

app_name = "orgs"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/units/<int:unit_id>/new/", views.grant_delegation, name="delegation_new"),
    path("delegations/<int:pk>/revoke/", views.revoke_delegation, name="delegation_revoke"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/organisations/new/", manage_views.organisation_new, name="organisation_new"),
    path("manage/organisations/<int:pk>/", manage_views.organisation_detail, name="organisation"),
    path("manage/posts/new/", manage_views.post_new, name="post_new"),
    path("manage/people/", manage_views.people, name="people"),
    path("manage/people/new/", manage_views.person_new, name="person_new"),
    path("manage/assignments/new/", manage_views.assignment_new, name="assignment_new"),
    path("manage/import/", manage_views.import_export, name="import_export"),
    path("manage/export.xlsx", manage_views.export, name="export"),
]
