"""Login (password, then the second factor when the account has one), logout, password
change and reset, two-factor set-up, and the administrator's security page."""

from __future__ import annotations

import datetime
from base64 import b32encode
from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    CodeForm,
    PasswordConfirmForm,
    QueuedPasswordResetForm,
    SecurityPolicyForm,
    SetupCodeForm,
)
from accounts.lockout import lockout_response, login_is_locked
from accounts.models import RecoveryCodeDevice
from accounts.navigation import safe_next_url
from accounts.permissions import ACCOUNT_SELF, ACCOUNTS_ADMIN, StaffRequest, public, requires
from accounts.qr import qr_svg

PENDING_KEY = "bollplank_login_pending"


class PasswordStepView(auth_views.LoginView):
    """The first step: username and password. An account with two-factor login is not
    logged in yet; the session remembers who passed the password for a few minutes."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if selectors.two_factor_device_for(user=user) is None:
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
            "since": timezone.now().isoformat(),
            "next": self.get_redirect_url(),
        }
        return HttpResponseRedirect(reverse("accounts:login_code"))


login = public(PasswordStepView.as_view())


def _pending_user(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        since = datetime.datetime.fromisoformat(pending["since"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - since > datetime.timedelta(minutes=settings.BOLLPLANK_MFA_PENDING_MINUTES):
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


@public
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponseBase:
    """The second step: a code from the authenticator or a recovery code.

    A wrong code counts as a failed login for the account and the address (django-axes),
    so the code cannot be guessed past the same lockout as the password.
    """
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Log in again: the login was not finished in time."))
        return redirect("accounts:login")
    user, pending = found
    if login_is_locked(request, username=user.get_username()):
        request.session.pop(PENDING_KEY, None)
        return lockout_response(request, None, {"username": user.get_username()})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            user.otp_device = device  # django_otp marks the session verified on login
            auth_login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                left = selectors.recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("You logged in with a recovery code. %(left)s codes are left; make new ones in time.")
                    % {"left": left},
                )
            return HttpResponseRedirect(
                safe_next_url(request, pending.get("next")) or resolve_url(settings.LOGIN_REDIRECT_URL)
            )
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "factor": "code"},
            request=request,
        )
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return lockout_response(request, None, {"username": user.get_username()})
        form.add_error("code", _("The code is not right. Try again, or use one of your recovery codes."))
    status = 400 if form.errors else 200
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


class LogoutView(auth_views.LogoutView):
    """Logs out and tells the browser to drop what it kept of this site (ASVS 4.0 8.2.3)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


logout = requires(ACCOUNT_SELF)(LogoutView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, by_reset=False)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed(user=form.user, by_reset=True)
        return response


password_change = requires(ACCOUNT_SELF)(PasswordChangeView.as_view())
password_change_done = requires(ACCOUNT_SELF)(
    auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
)
password_reset = public(
    auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html",
        form_class=QueuedPasswordResetForm,
        email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


# --- two-factor login: the staff member's own pages ---------------------------------


@requires(ACCOUNT_SELF)
def two_factor(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": selectors.two_factor_device_for(user=request.user),
            "codes_left": selectors.recovery_codes_left(user=request.user),
            "is_required": selectors.two_factor_is_required_for(user=request.user),
        },
    )


@requires(ACCOUNT_SELF)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: StaffRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a code; the recovery codes are shown once."""
    if selectors.two_factor_device_for(user=request.user) is not None:
        return redirect("accounts:two_factor")
    device = services.two_factor_setup_start(user=request.user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enable(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            messages.success(request, _("Two-factor login is on."))
            return _recovery_codes_page(request, codes)
    key = _grouped(b32encode(device.bin_key).decode("ascii"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": qr_svg(device.config_url), "key": key},
        status=400 if form.errors else 200,
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _recovery_codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@requires(ACCOUNT_SELF)
@require_http_methods(["GET", "POST"])
def recovery_codes_new(request: StaffRequest) -> HttpResponse:
    if selectors.two_factor_device_for(user=request.user) is None:
        return redirect("accounts:two_factor")
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        return _recovery_codes_page(request, services.recovery_codes_regenerate(user=request.user))
    return render(
        request,
        "accounts/password_confirm.html",
        {
            "form": form,
            "title": _("New recovery codes"),
            "lead": _("Your earlier recovery codes stop working when you make new ones."),
            "button": _("Make new recovery codes"),
        },
        status=400 if form.errors else 200,
    )


@requires(ACCOUNT_SELF)
@require_http_methods(["GET", "POST"])
def two_factor_disable(request: StaffRequest) -> HttpResponse:
    if selectors.two_factor_device_for(user=request.user) is None:
        return redirect("accounts:two_factor")
    form = PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.two_factor_disable(user=request.user)
        messages.success(request, _("Two-factor login is off."))
        return redirect("accounts:two_factor")
    lead = _("You will log in with your password only.")
    if selectors.two_factor_is_required_for(user=request.user):
        lead = _("Your municipality requires two-factor login: you will have to set it up again at once.")
    return render(
        request,
        "accounts/password_confirm.html",
        {"form": form, "title": _("Turn off two-factor login"), "lead": lead, "button": _("Turn off")},
        status=400 if form.errors else 200,
    )


# --- the administrator's page -------------------------------------------------------


@requires(ACCOUNTS_ADMIN)
@require_http_methods(["GET", "POST"])
def security_settings(request: StaffRequest) -> HttpResponse:
    policy = selectors.security_policy_for(user=request.user)
    form = SecurityPolicyForm(
        request.POST or None, initial={"is_two_factor_required": policy.is_two_factor_required}
    )
    if request.method == "POST" and form.is_valid():
        services.security_policy_set(
            by=request.user, is_two_factor_required=form.cleaned_data["is_two_factor_required"]
        )
        messages.success(request, _("The login rules were saved."))
        return redirect("accounts:security_settings")
    return render(
        request,
        "accounts/security_settings.html",
        {
            "form": form,
            "staff": selectors.staff_security_list(user=request.user),
            "globally_required": settings.BOLLPLANK_MFA_REQUIRED,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=400 if form.errors else 200,
    )


@requires(ACCOUNTS_ADMIN)
@require_POST
def staff_unlock(request: StaffRequest, pk: int) -> HttpResponse:
    member = selectors.staff_member_get_for(user=request.user, id=pk)
    services.account_unlock(by=request.user, user=member)
    messages.success(request, _("%(name)s can log in again.") % {"name": member})
    return redirect("accounts:security_settings")


@requires(ACCOUNTS_ADMIN)
@require_POST
def staff_two_factor_reset(request: StaffRequest, pk: int) -> HttpResponse:
    member = selectors.staff_member_get_for(user=request.user, id=pk)
    services.two_factor_disable(user=member, by=request.user)
    messages.success(
        request,
        _("Two-factor login of %(name)s was removed; it is set up again at the next login.")
        % {"name": member},
    )
    return redirect("accounts:security_settings")
