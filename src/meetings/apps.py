from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Network meetings")

    def ready(self) -> None:
        from jobs.hooks import email_subject_register
        from meetings.calendar.selectors import MEETINGS_CALENDAR
        from meetings.calendar.sources import calendar_source_register
        from meetings.jobs import invitation_email_changed, invitation_email_is_needed

        # The series' meetings in the personal feeds, and a feed per series.
        calendar_source_register(MEETINGS_CALENDAR)
        # An invitation's send columns follow the outbox; a cancelled meeting sends nothing.
        email_subject_register(
            "meetings.Invitation", is_needed=invitation_email_is_needed, on_change=invitation_email_changed
        )
