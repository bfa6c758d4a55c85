from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Network meetings")

    def ready(self) -> None:
        from meetings.calendar.selectors import MEETINGS_CALENDAR
        from meetings.calendar.sources import calendar_source_register

        # The series' meetings in the personal feeds, and a feed per series.
        calendar_source_register(MEETINGS_CALENDAR)
