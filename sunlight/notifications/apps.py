from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sunlight.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from sunlight.notifications import timers  # noqa: F401 - registers the digest
        from sunlight.orgs.context import NavItem, register_nav
        from sunlight.orgs.models import Role

        register_nav(
            *(NavItem("notifications:inbox", _("Messages"), role, 95) for role in Role),
            NavItem("notifications:notices", _("Notices"), Role.SUPERVISION, 40),
        )
