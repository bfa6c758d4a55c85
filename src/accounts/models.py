"""Staff accounts: every user belongs to one municipality with one role."""

from __future__ import annotations

import hmac

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Foster-home secretary")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    COUNTY_COORDINATOR = "county_coordinator", _("County coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class SecurityEventKind(models.TextChoices):
    """What the security log (audit.SecurityEvent) records; accounts announces most of them."""

    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Wrong password")
    CODE_FAILED = "code_failed", _("Wrong two-factor code")
    LOCKED_OUT = "locked_out", _("Login locked")
    UNLOCKED = "unlocked", _("Login unlocked by an administrator")
    LOGOUT = "logout", _("Logged out")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor login turned on")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor login turned off")
    TWO_FACTOR_RESET = "2fa_reset", _("Two-factor login removed by an administrator")
    RECOVERY_CODE_USED = "recovery_used", _("Recovery code used")
    RECOVERY_CODES_NEW = "recovery_new", _("New recovery codes made")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    POLICY_CHANGED = "policy_changed", _("Login rules changed")


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp (untyped) adds its devices
    """A staff member. ``municipality`` is the tenant whose data the user may see."""

    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(municipality__isnull=False),
                name="accounts_user_role_needs_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SecurityPolicy(models.Model):
    """A municipality's login rules, set by its administrator (accounts.services.security_policy_set)."""

    municipality = models.OneToOneField(
        "geo.Municipality",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    is_two_factor_required = models.BooleanField(_("two-factor login required"), default=False)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policies")

    def __str__(self) -> str:
        return str(self.municipality_id)


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A user's one-time recovery codes as a django-otp device; only salted hashes are stored.

    ASVS 4.0 2.6.2: look-up secrets under 112 bits of entropy are salted (128 bits per
    code) and hashed with SHA-256; each works once (2.6.1).
    """

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: object) -> bool:
        from accounts.recovery import recovery_code_digest, recovery_code_normalise

        allowed, _detail = self.verify_is_allowed()
        if not allowed:
            return False
        typed = recovery_code_normalise(str(token))
        matched = None
        if typed:
            for code in self.codes.select_for_update().filter(used_at__isnull=True):
                if hmac.compare_digest(recovery_code_digest(typed, salt=code.salt), code.digest):
                    matched = code
        if matched is None:
            self.throttle_increment(commit=True)
            return False
        matched.used_at = timezone.now()
        matched.save(update_fields=["used_at"])
        self.throttle_reset(commit=True)
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device_id}:{self.pk}"  # never the code: only its hash is stored
