"""The RSVP link in an invitation: signed with its own salt, naming the invitation, its meeting,
the invitee's and the organiser's municipalities and a nonce that withdrawing retires."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.links import LinkRefused, SignedLink, absolute_url
from meetings.models import Invitation, InvitationStatus

RSVP_SALT = "meetings.rsvp"

# Why a link can no longer be used (shown on the RSVP page; nothing is changed).
LINK_NOT_INVITED = _(
    "You are no longer invited to this meeting. Contact your secretary if you think it is wrong."
)
LINK_CANCELLED = _("The meeting has been cancelled.")
LINK_AFTER_MEETING = _("The meeting has already taken place: this link cannot be used any more.")


class RsvpLinkInvalid(LinkRefused):
    """The link was tampered with or cut short, or can no longer be used (410)."""


@dataclass(frozen=True)
class RsvpClaim:
    """What a verified RSVP link names."""

    invitation_id: int
    municipality_id: str
    event_id: int
    event_municipality_id: str
    nonce: str

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        """The invitee's municipality (the invitation) and the organiser's (the meeting)."""
        return (self.municipality_id, self.event_municipality_id)


def _read(data: Mapping[str, Any]) -> RsvpClaim:
    return RsvpClaim(
        invitation_id=int(data["i"]),
        municipality_id=str(data["m"]),
        event_id=int(data["e"]),
        event_municipality_id=str(data["o"]),
        nonce=str(data["n"]),
    )


RSVP_LINK = SignedLink(salt=RSVP_SALT, read=_read, refused=RsvpLinkInvalid)


def rsvp_token(invitation: Invitation) -> str:
    """The signed token in an invitation's RSVP link (ids and a nonce; no personal data)."""
    return RSVP_LINK.token(
        {
            "i": invitation.pk,
            "m": invitation.municipality_id,
            "e": invitation.event_id,
            "o": invitation.event.municipality_id,
            "n": invitation.nonce,
        }
    )


def rsvp_claim(token: str) -> RsvpClaim:
    """The claim in a link; raises RsvpLinkInvalid for a bad signature or shape."""
    return RSVP_LINK.verify(token)


def rsvp_link(invitation: Invitation) -> str:
    """The absolute link an invitee answers through, without logging in."""
    return absolute_url("meetings_public:rsvp", token=rsvp_token(invitation))


def rsvp_refusal(*, invitation: Invitation | None, claim: RsvpClaim) -> Any:
    """Why this link can no longer be used (a message), or None when it can."""
    if (
        invitation is None
        or invitation.nonce != claim.nonce
        or invitation.event_id != claim.event_id
        or invitation.status == InvitationStatus.WITHDRAWN
    ):
        return LINK_NOT_INVITED
    event = invitation.event
    if event.is_cancelled:
        return LINK_CANCELLED
    if event.ends_at < timezone.now():
        return LINK_AFTER_MEETING
    return None
