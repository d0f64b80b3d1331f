from django.urls import path

from sunlight.supervision import monitoring_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.console, name="console"),
    path("patrols/", views.patrols, name="patrols"),
    path("patrols/<int:pk>/", views.patrol, name="patrol"),
    path("patrols/<int:pk>/close/", views.close_patrol, name="close_patrol"),
    path("spot-checks/new/", views.new_spot_check, name="new_spot_check"),
    path("spot-checks/<int:pk>/", views.spot_check, name="spot_check"),
    path("spot-checks/<int:pk>/cases/<int:item>/", views.check_item, name="check_item"),
    path("monitoring/vouchers/", monitoring_views.vouchers, name="vouchers"),
    path("monitoring/vouchers/<int:pk>/", monitoring_views.voucher_import, name="voucher_import"),
    path("monitoring/archives/", monitoring_views.archives, name="archives"),
    path("monitoring/archives/<int:pk>/", monitoring_views.archive_check, name="archive_check"),
    path("monitoring/self-checks/", monitoring_views.self_checks, name="self_checks"),
]
