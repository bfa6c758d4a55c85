"""Calendar-feed URLs: calendar programs cannot log in, so the URL is the credential.

The token in a URL is ``<municipality code>.<secret>``: the code lets the public feed
view enter the right municipality scope before it looks the secret up; the secret alone
(256 random bits, ``meetings.calendar.services``) is what grants access. The feeds are
served by ``kernel.links.public_link_view`` like every link that works without logging
in; a calendar program gets a plain 404 for every refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from kernel.links import LinkRefused, absolute_url
from meetings.calendar.services import calendar_key_for_person, calendar_key_for_user
from meetings.models import CalendarKey
from register.models import Person

TOKEN_SEPARATOR = "."  # noqa: S105  # a separator, not a password


@dataclass(frozen=True)
class FeedClaim:
    """What a feed URL's token names: a municipality and a secret to look up in its scope."""

    municipality_id: str
    secret: str

    @property
    def municipality_ids(self) -> tuple[str, ...]:
        return (self.municipality_id,)


class FeedTokens:
    """Reads a feed token for ``public_link_view``; a malformed one is refused (404)."""

    def verify(self, token: str) -> FeedClaim:
        parts = token_split(token)
        if parts is None:
            raise LinkRefused(status=404)
        return FeedClaim(*parts)


FEED_TOKENS = FeedTokens()


def feed_token(key: CalendarKey) -> str:
    """The token in the key's feed URLs: ``<municipality code>.<secret>``."""
    return f"{key.municipality_id}{TOKEN_SEPARATOR}{key.secret}"


def token_split(token: str) -> tuple[str, str] | None:
    """``(municipality code, secret)`` from a URL token, None when it is malformed."""
    code, separator, secret = token.partition(TOKEN_SEPARATOR)
    if not separator or not code.isdigit() or len(code) != 4 or not secret:
        return None
    return code, secret


def person_feed_url(*, person: Person) -> str:
    """The absolute URL of the person's own calendar feed (meetings they are invited to, sessions)."""
    token = feed_token(calendar_key_for_person(person=person))
    return absolute_url("calendar_public:personal", token=token)


def user_feed_url(*, user: User) -> str:
    """The absolute URL of the staff member's own calendar feed."""
    token = feed_token(calendar_key_for_user(user=user))
    return absolute_url("calendar_public:personal", token=token)


def group_feed_url(*, key: CalendarKey, feed_name: str, group_id: int) -> str:
    """The absolute URL of one group's feed (``feed_name``: "series", "cohort", …) with the key's secret."""
    return absolute_url(f"calendar_public:{feed_name}", token=feed_token(key), pk=group_id)
