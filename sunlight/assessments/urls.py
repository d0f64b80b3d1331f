from django.urls import URLPattern, URLResolver, path, register_converter

from sunlight.assessments import dashboard_views, views


class FormatConverter:
    """An export's format: Excel or PDF."""

    regex = "xlsx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "export")

app_name = "assessments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("compute/", views.compute, name="compute"),
    path("published/", views.published, name="published"),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:year>/", views.scheme, name="scheme"),
    path("scores/<int:pk>/", views.score_evidence, name="evidence"),
    path("dashboard/", dashboard_views.district_dashboard, name="dashboard"),
    path("dashboard/export.<export:fmt>", dashboard_views.district_export, name="dashboard_export"),
    path("dashboard/unit/", dashboard_views.unit_dashboard, name="unit_dashboard"),
    path("dashboard/unit/export.<export:fmt>", dashboard_views.unit_export, name="unit_dashboard_export"),
    path("analytics/", dashboard_views.analytics_index, name="analytics"),
    path("analytics/compare/", dashboard_views.analytics_compare, name="compare"),
    path("analytics/<str:code>/", dashboard_views.analytics_process, name="process"),
    path("<int:year>/q<int:quarter>/", views.quarter_page, name="quarter"),
    path("<int:year>/q<int:quarter>/approve/", views.approve, name="approve"),
    path("<int:year>/q<int:quarter>/publish/", views.publish, name="publish"),
    path("<int:year>/q<int:quarter>/export.<export:fmt>", views.export_quarter, name="quarter_export"),
    path("<int:year>/q<int:quarter>/units/<int:unit_id>/", views.unit_assessment, name="unit"),
    path("<int:year>/q<int:quarter>/units/<int:unit_id>/letter/", views.letter, name="letter"),
    path(
        "<int:year>/q<int:quarter>/units/<int:unit_id>/export.<export:fmt>",
        views.export_quarter,
        name="unit_export",
    ),
]
