from django.urls import URLPattern, URLResolver, path

from sunlight.funds import contract_views, views

app_name = "funds"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/contracts/new/", views.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", contract_views.contract_detail, name="contract"),
    path("contracts/<int:pk>/sign/", contract_views.sign_integrity, name="sign_integrity"),
    path(
        "contracts/<int:pk>/contractor-signature/",
        contract_views.contractor_signature,
        name="contractor_signature",
    ),
    path("contracts/<int:pk>/milestones/", contract_views.milestone_add, name="milestone_add"),
    path("contracts/<int:pk>/activate/", contract_views.activate, name="activate"),
    path("contracts/<int:pk>/progress/", contract_views.progress_submit, name="progress_submit"),
    path("progress/<int:pk>/decide/", contract_views.progress_decide, name="progress_decide"),
    path("contracts/<int:pk>/payments/", contract_views.payment_request, name="payment_request"),
    path("payments/<int:pk>/decide/", contract_views.payment_decide, name="payment_decide"),
    path("payments/<int:pk>/pay/", contract_views.payment_pay, name="payment_pay"),
    path("contracts/<int:pk>/changes/", contract_views.change_submit, name="change_submit"),
    path("changes/<int:pk>/decide/", contract_views.change_decide, name="change_decide"),
    path("setup/", views.setup, name="setup"),
    path("setup/<int:pk>/remove/", views.setup_remove, name="setup_remove"),
]
