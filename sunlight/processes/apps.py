from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "sunlight.processes"
    label = "processes"
    verbose_name = _("Process definitions")
