"""Receivers that write the security log: Django's login signals, django-axes' lockout
and the events accounts announces (accounts/signals.py). Connected in AuditConfig.ready()."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from accounts.models import SecurityEventKind, User
from accounts.signals import security_event
from audit.services import security_event_record, security_event_unknown_account


def _account(username: object) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


def _record_for(username: object, kind: str, detail: dict[str, Any] | None = None) -> None:
    user = _account(username)
    if user is None:
        security_event_unknown_account(kind=kind, username=username if isinstance(username, str) else "")
        return
    security_event_record(user=user, kind=kind, detail=detail)


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    device = getattr(user, "otp_device", None)
    detail = {"second_factor": type(device).__name__} if device is not None else {}
    security_event_record(user=user, kind=SecurityEventKind.LOGIN, detail=detail)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(user=user, kind=SecurityEventKind.LOGOUT)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # accounts.views.login_code marks a wrong second-factor code with "factor".
    kind = SecurityEventKind.CODE_FAILED if credentials.get("factor") else SecurityEventKind.LOGIN_FAILED
    _record_for(credentials.get("username"), kind)


def on_locked_out(sender: Any, request: Any, username: Any, ip_address: Any, **kwargs: Any) -> None:
    _record_for(username, SecurityEventKind.LOCKED_OUT)


def on_security_event(
    sender: Any, user: Any, kind: str, by: Any = None, detail: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    security_event_record(user=user, kind=kind, by=by, detail=detail)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.security.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.security.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.security.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.security.locked_out")
    security_event.connect(on_security_event, dispatch_uid="audit.security.event")
