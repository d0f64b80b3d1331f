from django.urls import path

from sunlight.powers import import_views, public_views, views

app_name = "powers"

urlpatterns = [
    # The public power list (no sign-in).
    path("", public_views.index, name="index"),
    path("items/<str:code>/", public_views.guide, name="guide"),
    path("items/<str:code>/guide.pdf", public_views.guide_pdf, name="guide_pdf"),
    path("items/<str:code>/versions/", public_views.history, name="history"),
    path("items/<str:code>/versions/<int:number>/", public_views.version_public, name="version_public"),
    # Units and the commission.
    path("unit/", views.workspace, name="workspace"),
    path("unit/<int:unit_id>/new/", views.create, name="create"),
    path("unit/<int:unit_id>/submit/", views.submit_all, name="submit_all"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/edit/", views.edit, name="edit"),
    path("versions/<int:pk>/submit/", views.submit, name="submit"),
    path("versions/<int:pk>/revise/", views.revise, name="revise"),
    path("versions/<int:pk>/return/", views.return_version, name="return"),
    path("versions/<int:pk>/approve/", views.approve, name="approve"),
    path("review/", views.review, name="review"),
    path("review/approve/", views.approve_batch, name="approve_batch"),
    path("import/", import_views.import_powers, name="import"),
    path("import/<str:job_id>/", import_views.import_job, name="import_job"),
    path("export.xlsx", import_views.export_powers, name="export"),
]
