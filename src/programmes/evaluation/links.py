"""The questionnaire's link: signed with its own salt, naming the questionnaire and its municipality."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from kernel.links import LinkRefused, ObjectClaim, ObjectLink
from programmes.models import QuestionnaireResponse

QUESTIONNAIRE_SALT = "programmes.questionnaire"
QUESTIONNAIRE_LINK_MAX_AGE = datetime.timedelta(days=60)


class QuestionnaireLinkInvalid(LinkRefused):
    """The link was tampered with, has expired, or the questionnaire is answered already."""


QUESTIONNAIRE_LINK = ObjectLink(
    salt=QUESTIONNAIRE_SALT,
    key="r",
    viewname="programmes_public:questionnaire_answer",
    refused=QuestionnaireLinkInvalid,
    max_age=QUESTIONNAIRE_LINK_MAX_AGE,
    expired_message=_(
        "The link has expired. Ask the programme's coordinator for a new one if you want to answer."
    ),
)


def questionnaire_token(response: QuestionnaireResponse) -> str:
    """A signed, expiring token naming the questionnaire and its municipality (no personal data)."""
    return QUESTIONNAIRE_LINK.token(response)


def questionnaire_from_token(token: str) -> ObjectClaim:
    """The response id and municipality in a link; raises QuestionnaireLinkInvalid."""
    return QUESTIONNAIRE_LINK.verify(token)


def questionnaire_link(response: QuestionnaireResponse) -> str:
    """The absolute link a member answers through, without logging in."""
    return QUESTIONNAIRE_LINK.url(response)
