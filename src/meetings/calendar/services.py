"""Calendar-feed keys: the secret in a staff member's or an invited person's feed URLs.

Calendar programs cannot log in, so the URL is the credential. The token in a
URL is ``<municipality code>.<secret>``: the code lets the public feed view enter
the right municipality scope before it looks the secret up; the secret alone
(256 random bits) is what grants access. Rotating the key retires every old URL.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_log_record
from kernel.links import absolute_url
from meetings.models import CalendarKey
from register.models import Person
from tenancy.scope import municipality_of

TOKEN_SEPARATOR = "."  # noqa: S105  # a separator, not a password


def _new_secret() -> str:
    # token_urlsafe never contains "." so the token splits unambiguously.
    return secrets.token_urlsafe(32)


def _get_or_create(*, municipality_id: str, **owner: Any) -> CalendarKey:
    key = CalendarKey.objects.filter(**owner).first()
    if key is not None:
        return key
    try:
        # A savepoint: two first visits at once both try to create; the loser reads the winner's key.
        with transaction.atomic():
            return CalendarKey.objects.create(municipality_id=municipality_id, secret=_new_secret(), **owner)
    except IntegrityError:
        return CalendarKey.objects.get(**owner)


def calendar_key_for_user(*, user: User) -> CalendarKey:
    """The staff member's calendar key, created on first use (in the user's municipality)."""
    return _get_or_create(municipality_id=municipality_of(user), user=user)


def calendar_key_for_person(*, person: Person) -> CalendarKey:
    """The invited person's calendar key, created on first use (in the person's municipality)."""
    return _get_or_create(municipality_id=person.municipality_id, person=person)


@transaction.atomic
def calendar_key_rotate(*, by: User, user: User) -> CalendarKey:
    """Give the user a new secret: every feed URL made with the old one stops working at once."""
    key = calendar_key_for_user(user=user)
    key = CalendarKey.objects.select_for_update().get(pk=key.pk)
    key.secret = _new_secret()
    key.save(update_fields=["secret"])
    # The secret itself never goes into the history: it is a credential.
    change_log_record(
        by=by, instance=key, action=ChangeAction.UPDATE, before={"secret": "…"}, after={"secret": "new"}
    )
    return key


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
