from django.urls import include, path
from django.views.i18n import set_language

from sunlight.api import api
from sunlight.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("sunlight.operations.urls")),
    # Early in the list: Django tries the patterns in order, and the API carries the public
    # case query, the busiest anonymous route.
    path("api/v1/", api.urls),
    path("accounts/", include("sunlight.accounts.urls")),
    path("supervision/", include("sunlight.supervision.urls")),
    path("ledger/", include("sunlight.ledger.urls")),
    path("alarms/", include("sunlight.alarms.urls")),
    path("calendars/", include("sunlight.calendars.urls")),
    path("powers/", include("sunlight.powers.urls")),
    path("risks/", include("sunlight.risks.urls")),
    path("processes/", include("sunlight.processes.urls")),
    path("cases/", include("sunlight.cases.urls")),
    path("checkpoints/", include("sunlight.checkpoints.urls")),
    path("funds/", include("sunlight.funds.urls")),
    path("documents/", include("sunlight.documents.urls")),
    path("notifications/", include("sunlight.notifications.urls")),
    path("ratings/", include("sunlight.ratings.urls")),
    path("reports/", include("sunlight.reports.urls")),
    path("portal/", include("sunlight.portal.urls")),
    path("enforcement/", include("sunlight.enforcement.urls")),
    path("sites/", include("sunlight.sites.urls")),
    path("assessments/", include("sunlight.assessments.urls")),
    path("", include("sunlight.orgs.urls")),
]
