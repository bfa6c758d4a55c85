from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentor families")

    def ready(self) -> None:
        from jobs.hooks import email_subject_register
        from mentorship.jobs import survey_email_changed, survey_email_is_needed
        from mentorship.services import offer_on_approval
        from register.hooks import on_status_change

        # Every foster or emergency home that becomes approved is offered a mentor.
        on_status_change.register(offer_on_approval)
        # A survey counts as sent when the mail server took it; an ended pairing's is not sent.
        email_subject_register(
            "mentorship.FollowUpSurvey", is_needed=survey_email_is_needed, on_change=survey_email_changed
        )
