"""Two request-wide rules of accounts: nothing personal is cached, and a municipality
that requires two-factor login gets it before anything else is shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.permissions import ACCOUNT_SELF, PUBLIC


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user, and on every
    response whose view did not choose its own caching (ASVS 4.0 8.2.1).

    Register pages, exports and log pages hold personal data; a browser or proxy must
    not keep a copy after logout. Only the calendar feeds (public, titles and times,
    polled by calendar programs) set their own ``Cache-Control``. Static files are
    served by WhiteNoise before this middleware and keep their long caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class TwoFactorRequiredMiddleware:
    """Before any view that needs more than a login (so before any personal data):

    * an account with two-factor login whose session was not verified by it is logged
      out (a session from before the factor was added, or one made without the login form);
    * an account whose municipality requires two-factor login and that has none is sent
      to set it up.

    Public views and the account's own pages (``ACCOUNT_SELF``: logout, password,
    two-factor set-up) stay reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        permission = getattr(view_func, "permission", None)
        if permission in (PUBLIC, ACCOUNT_SELF):
            return None
        has_device = selectors.two_factor_device_for(user=user) is not None
        if has_device and not user.is_verified():
            logout(request)
            messages.info(request, _("Log in again with your two-factor code."))
            return HttpResponseRedirect(reverse("accounts:login"))
        if not has_device and selectors.two_factor_is_required_for(user=user):
            messages.info(request, _("Your municipality requires two-factor login. Set it up to continue."))
            return HttpResponseRedirect(reverse("accounts:two_factor_setup"))
        return None
