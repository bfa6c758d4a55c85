"""Calendar-feed keys: the secret in a staff member's or an invited person's feed URLs
(``meetings.calendar.links`` makes the URLs). A key is created on first use; rotating it
retires every old URL at once.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_log_record
from meetings.models import CalendarKey
from register.models import Person
from tenancy.scope import municipality_of


def _new_secret() -> str:
    # token_urlsafe never contains "." (links.TOKEN_SEPARATOR), so the token splits unambiguously.
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
