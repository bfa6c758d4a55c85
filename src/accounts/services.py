"""Changes to accounts: two-factor login, recovery codes, login rules and unlocking.

Every change announces a security event (accounts/signals.py) that the audit app
writes to the municipality's security log.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, RecoveryCodeDevice, SecurityEventKind, SecurityPolicy, User
from accounts.recovery import (
    CODES_PER_SET,
    recovery_code_digest,
    recovery_code_new,
    recovery_code_normalise,
    recovery_code_salt,
)
from accounts.signals import security_event

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def _announce(*, user: Any, kind: str, by: Any = None, detail: dict[str, Any] | None = None) -> None:
    # Inside the caller's transaction: the change and its security-log row commit together.
    security_event.send(sender=__name__, user=user, kind=kind, by=by, detail=detail or {})


def two_factor_setup_start(*, user: Any) -> TOTPDevice:
    """The authenticator being set up: an unconfirmed TOTP device (its secret is reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def _recovery_codes_replace(*, user: Any) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [recovery_code_new() for _ in range(CODES_PER_SET)]
    rows = []
    for code in codes:
        salt = recovery_code_salt()
        rows.append(
            RecoveryCode(
                device=device,
                salt=salt,
                digest=recovery_code_digest(recovery_code_normalise(code), salt=salt),
            )
        )
    RecoveryCode.objects.bulk_create(rows)
    return codes


def two_factor_enable(*, user: Any, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns the new recovery codes (shown once).

    Raises ValidationError when the code is wrong; nothing changes then.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
        if not device.verify_token(_digits(code)):
            raise ValidationError(_("The code is not right. Check the time on your phone and try again."))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=user)
        _announce(user=user, kind=SecurityEventKind.TWO_FACTOR_ENABLED)
    return codes


def recovery_codes_regenerate(*, user: Any) -> list[str]:
    """New recovery codes for a user with two-factor login; every earlier code stops working."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("Turn on two-factor login first."))
        codes = _recovery_codes_replace(user=user)
        _announce(user=user, kind=SecurityEventKind.RECOVERY_CODES_NEW)
    return codes


def two_factor_disable(*, user: Any, by: Any = None) -> None:
    """Remove the user's authenticator and recovery codes (by the user, or by an administrator)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        kind = SecurityEventKind.TWO_FACTOR_DISABLED if by is None else SecurityEventKind.TWO_FACTOR_RESET
        _announce(user=user, kind=kind, by=by)


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def two_factor_verify(*, user: Any, code: str) -> TOTPDevice | RecoveryCodeDevice | None:
    """The device that accepts ``code`` (a six-digit code, or a recovery code, which then stops working)."""
    typed = _digits(code)
    with transaction.atomic():
        if typed.isascii() and typed.isdigit():
            totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            return totp if totp is not None and totp.verify_token(typed) else None
        recovery = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if recovery is None or not recovery.verify_token(code):
            return None
        left = RecoveryCode.objects.filter(device=recovery, used_at__isnull=True).count()
        _announce(user=user, kind=SecurityEventKind.RECOVERY_CODE_USED, detail={"left": left})
        return recovery


def security_policy_set(*, by: Any, is_two_factor_required: bool) -> SecurityPolicy:
    """Set whether the administrator's municipality requires two-factor login of all its staff."""
    if not by.municipality_id:
        raise ValidationError(_("Your account is not connected to a municipality."))
    with transaction.atomic():
        policy, _created = SecurityPolicy.objects.select_for_update().get_or_create(
            municipality_id=by.municipality_id
        )
        if policy.is_two_factor_required != is_two_factor_required:
            policy.is_two_factor_required = is_two_factor_required
            policy.changed_by = by
            policy.save()
            _announce(
                user=by,
                kind=SecurityEventKind.POLICY_CHANGED,
                by=by,
                detail={"two_factor_required": is_two_factor_required},
            )
    return policy


def account_unlock(*, by: Any, user: User) -> int:
    """Clear the failed logins counted against ``user``'s account (its address locks end by themselves)."""
    count = AxesProxyHandler.reset_attempts(username=user.username)
    _announce(user=user, kind=SecurityEventKind.UNLOCKED, by=by, detail={"cleared": count})
    return count


def password_changed(*, user: Any, by_reset: bool) -> None:
    """Record a changed password in the security log (Django's views make the change)."""
    _announce(user=user, kind=SecurityEventKind.PASSWORD_CHANGED, detail={"by_reset": by_reset})
