from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Group programmes")

    def ready(self) -> None:
        from jobs.hooks import email_subject_register
        from meetings.calendar.sources import calendar_source_register
        from programmes.calendar import PROGRAMMES_CALENDAR
        from programmes.jobs import questionnaire_email_changed, questionnaire_email_is_needed

        # The cohorts' sessions in their members' personal feeds, and a feed per cohort.
        calendar_source_register(PROGRAMMES_CALENDAR)
        # A questionnaire's send columns follow the outbox; an answered one needs no e-mail.
        email_subject_register(
            "programmes.QuestionnaireResponse",
            is_needed=questionnaire_email_is_needed,
            on_change=questionnaire_email_changed,
        )
