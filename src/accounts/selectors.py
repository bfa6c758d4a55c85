"""Reads about accounts: two-factor state, login rules and the administrator's staff overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RecoveryCode, SecurityPolicy, User


def two_factor_device_for(*, user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator (TOTP) device, or None when two-factor login is off."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def two_factor_is_required_for(*, user: Any) -> bool:
    """Whether the user's municipality (or the whole installation) requires two-factor login."""
    if settings.BOLLPLANK_MFA_REQUIRED:
        return True
    if not getattr(user, "municipality_id", None):
        return False
    return SecurityPolicy.objects.filter(
        municipality_id=user.municipality_id, is_two_factor_required=True
    ).exists()


def security_policy_for(*, user: Any) -> SecurityPolicy:
    """The login rules of the user's municipality (defaults when none were saved)."""
    policy = SecurityPolicy.objects.filter(municipality_id=user.municipality_id).first()
    return policy or SecurityPolicy(municipality_id=user.municipality_id)


def recovery_codes_left(*, user: Any) -> int:
    """How many unused recovery codes the user has."""
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


@dataclass(frozen=True)
class StaffSecurity:
    user: User
    has_two_factor: bool
    recovery_codes_left: int
    failed_logins: int
    is_locked: bool


def staff_security_list(*, user: Any) -> list[StaffSecurity]:
    """Every staff member of the administrator's municipality with two-factor and lock state."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    staff = list(
        User.objects.filter(municipality_id=user.municipality_id).order_by("first_name", "last_name")
    )
    with_device = set(
        TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("user_id", flat=True)
    )
    codes: dict[int, int] = {}
    for user_id in RecoveryCode.objects.filter(
        device__user__in=staff, device__confirmed=True, used_at__isnull=True
    ).values_list("device__user_id", flat=True):
        codes[user_id] = codes.get(user_id, 0) + 1
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = dict(
        AccessAttempt.objects.filter(username__in=[s.username for s in staff], attempt_time__gte=since)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .values_list("username", "n")
    )
    return [
        StaffSecurity(
            user=member,
            has_two_factor=member.pk in with_device,
            recovery_codes_left=codes.get(member.pk, 0),
            failed_logins=failures.get(member.username, 0),
            is_locked=failures.get(member.username, 0) >= settings.AXES_FAILURE_LIMIT,
        )
        for member in staff
    ]


def staff_member_get_for(*, user: Any, id: int) -> User:
    """A staff member of the administrator's own municipality; the same 404 for missing and foreign."""
    from django.http import Http404

    member = User.objects.filter(pk=id, municipality_id=user.municipality_id).first()
    if member is None or not user.municipality_id:
        raise Http404
    return member
