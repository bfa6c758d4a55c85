"""The questionnaire's link: signed with its own salt, naming the questionnaire and its municipality."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.utils.translation import gettext_lazy as _

from kernel.links import LinkRefused, SignedLink, absolute_url
from programmes.models import QuestionnaireResponse

QUESTIONNAIRE_SALT = "programmes.questionnaire"
QUESTIONNAIRE_LINK_MAX_AGE = datetime.timedelta(days=60)


class QuestionnaireLinkInvalid(LinkRefused):
    """The link was tampered with, has expired, or the questionnaire is answered already."""


class QuestionnaireClaim(NamedTuple):
    response_id: int
    municipality_id: str

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        return (self.municipality_id,)


def _read(data: Mapping[str, Any]) -> QuestionnaireClaim:
    return QuestionnaireClaim(int(data["r"]), str(data["m"]))


QUESTIONNAIRE_LINK = SignedLink(
    salt=QUESTIONNAIRE_SALT,
    read=_read,
    refused=QuestionnaireLinkInvalid,
    max_age=QUESTIONNAIRE_LINK_MAX_AGE,
    expired_message=_(
        "The link has expired. Ask the programme's coordinator for a new one if you want to answer."
    ),
)


def questionnaire_token(response: QuestionnaireResponse) -> str:
    """A signed, expiring token naming the questionnaire and its municipality (no personal data)."""
    return QUESTIONNAIRE_LINK.token({"r": response.pk, "m": response.municipality_id})


def questionnaire_from_token(token: str) -> QuestionnaireClaim:
    """The response id and municipality in a link; raises QuestionnaireLinkInvalid."""
    return QUESTIONNAIRE_LINK.verify(token)


def questionnaire_link(response: QuestionnaireResponse) -> str:
    """The absolute link a member answers through, without logging in."""
    return absolute_url("programmes_public:questionnaire_answer", token=questionnaire_token(response))
