from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("Mentor families")

    def ready(self) -> None:
        from mentorship.services import offer_on_approval
        from register.hooks import on_status_change

        # Every foster or emergency home that becomes approved is offered a mentor.
        on_status_change.register(offer_on_approval)
