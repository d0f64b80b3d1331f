from django.urls import URLPattern, URLResolver, path

from sunlight.checkpoints import benchmark_views, views

app_name = "checkpoints"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.rules, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<str:code>/", views.rule_detail, name="rule"),
    path("rules/<str:code>/revise/", views.rule_revise, name="rule_revise"),
    path("rules/<str:code>/dry-run/", views.rule_dry_run, name="rule_dry_run"),
    path("rules/<str:code>/parameters/", views.rule_parameter, name="rule_parameter"),
    path("parameters/<int:pk>/clear/", views.parameter_clear, name="parameter_clear"),
    path("benchmarks/", benchmark_views.benchmarks, name="benchmarks"),
    path("benchmarks/new/", benchmark_views.benchmark_edit, name="benchmark_new"),
    path("benchmarks/<str:code>/", benchmark_views.benchmark_detail, name="benchmark"),
    path("benchmarks/<str:code>/revise/", benchmark_views.benchmark_edit, name="benchmark_revise"),
    path("benchmarks/<str:code>/decide/", benchmark_views.benchmark_decide, name="benchmark_decide"),
    path("decisions/<int:pk>/review/", benchmark_views.decision_review, name="decision_review"),
]
