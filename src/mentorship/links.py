"""The follow-up survey's link: signed with its own salt, naming the survey and its municipality."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from kernel.links import LinkRefused, SignedLink, absolute_url
from mentorship.models import FollowUpSurvey

SURVEY_SALT = "mentorship.survey"
SURVEY_LINK_MAX_AGE = datetime.timedelta(days=60)


class SurveyLinkInvalid(LinkRefused):
    """The link was tampered with, has expired, or the survey is answered already."""


class SurveyClaim(NamedTuple):
    survey_id: int
    municipality_id: str

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        return (self.municipality_id,)


def _read(data: Mapping[str, Any]) -> SurveyClaim:
    return SurveyClaim(int(data["s"]), str(data["m"]))


SURVEY_LINK = SignedLink(
    salt=SURVEY_SALT,
    read=_read,
    refused=SurveyLinkInvalid,
    max_age=SURVEY_LINK_MAX_AGE,
    expired_message=_("The link has expired. Contact your secretary if you want to answer."),
)


def survey_token(survey: FollowUpSurvey) -> str:
    """A signed, expiring token naming the survey (no personal data inside)."""
    return SURVEY_LINK.token({"s": survey.pk, "m": survey.municipality_id})


def survey_from_token(token: str) -> SurveyClaim:
    """The survey id and municipality in a link; raises SurveyLinkInvalid."""
    return SURVEY_LINK.verify(token)


def survey_link(survey: FollowUpSurvey) -> str:
    """The absolute link a family answers through, without logging in."""
    return absolute_url("mentorship_public:survey_answer", token=survey_token(survey))
