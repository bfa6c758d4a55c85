from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Group programmes")

    def ready(self) -> None:
        from meetings.calendar.sources import calendar_source_register
        from programmes.calendar import PROGRAMMES_CALENDAR

        # The cohorts' sessions in their members' personal feeds, and a feed per cohort.
        calendar_source_register(PROGRAMMES_CALENDAR)
