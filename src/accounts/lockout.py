"""Login throttling on top of django-axes: per account and per client address.

django-axes counts failed logins (wrong passwords, and wrong second-factor codes that
accounts.views.login_code reports the same way) in ``AccessAttempt`` rows keyed by
username and client address. Axes compares one number with one limit; this handler
makes that number say "locked" when either the account has had
``AXES_FAILURE_LIMIT`` failures or the client address ``LOGIN_FAILURES_PER_ADDRESS``
within ``AXES_COOLOFF_TIME`` (ASVS 4.0 2.2.1). A successful login clears the
account's own failures only, never the address's, so one colleague logging in at the
office does not reset a password-spraying count from the same address.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class LoginThrottle(AxesDatabaseHandler):
    def _failures(self, attempts: Any) -> int:
        return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        since = get_cool_off_threshold(request)
        recent = AccessAttempt.objects.filter(attempt_time__gte=since)
        username = get_client_username(request, credentials)
        by_account = self._failures(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        by_address = self._failures(recent.filter(ip_address=address)) if address else 0
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _detail = AccessAttempt.objects.filter(username=username).delete()
        return count


def login_is_locked(request: HttpRequest, *, username: str) -> bool:
    """Whether a login as ``username`` from this request's address is locked right now."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})


def locked_until(request: HttpRequest, *, username: str | None) -> datetime.datetime:
    """When the lock that stops this login ends: the cool-off after the newest failure counted."""
    AxesProxyHandler.update_request(request)
    address = getattr(request, "axes_ip_address", None)
    match = Q(ip_address=address) if address else Q(pk__in=[])
    if username:
        match |= Q(username=username)
    newest = AccessAttempt.objects.filter(match).aggregate(at=Max("attempt_time"))["at"]
    return (newest or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE): 429 and when to try again.

    The same words for a locked account, a locked address and a username that does not
    exist, so the page tells an attacker nothing about which accounts are real.
    """
    username = (credentials or {}).get("username") or request.POST.get("username") or None
    until = timezone.localtime(locked_until(request, username=username))
    return render(
        request,
        "accounts/locked_out.html",
        {"until": until, "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )
