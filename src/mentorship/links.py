"""The follow-up survey's link: signed with its own salt, naming the survey and its municipality."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from kernel.links import LinkRefused, ObjectClaim, ObjectLink
from mentorship.models import FollowUpSurvey

SURVEY_SALT = "mentorship.survey"
SURVEY_LINK_MAX_AGE = datetime.timedelta(days=60)


class SurveyLinkInvalid(LinkRefused):
    """The link was tampered with, has expired, or the survey is answered already."""


SURVEY_LINK = ObjectLink(
    salt=SURVEY_SALT,
    key="s",
    viewname="mentorship_public:survey_answer",
    refused=SurveyLinkInvalid,
    max_age=SURVEY_LINK_MAX_AGE,
    expired_message=_("The link has expired. Contact your secretary if you want to answer."),
)


def survey_token(survey: FollowUpSurvey) -> str:
    """A signed, expiring token naming the survey (no personal data inside)."""
    return SURVEY_LINK.token(survey)


def survey_from_token(token: str) -> ObjectClaim:
    """The survey id and municipality in a link; raises SurveyLinkInvalid."""
    return SURVEY_LINK.verify(token)


def survey_link(survey: FollowUpSurvey) -> str:
    """The absolute link a family answers through, without logging in."""
    return SURVEY_LINK.url(survey)
