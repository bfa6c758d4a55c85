"""Calendar feeds (public: the URL's secret is the credential) and the staff page listing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import icalendar
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import (
    MEETINGS_VIEW,
    PROGRAMMES_VIEW,
    StaffRequest,
    public,
    requires,
    user_has_permission,
)
from meetings.calendar import selectors as calendar_selectors
from meetings.calendar import services as calendar_services
from meetings.calendar.ical import calendar_bytes, calendar_new, events_add, series_add
from meetings.models import CalendarKey
from tenancy.scope import municipality_scope

# Calendar programs poll; a proxy must never share one person's feed with another.
FEED_CACHE_CONTROL = "private, max-age=900"


def _key_is_usable(key: CalendarKey) -> bool:
    if key.user_id is None:
        return key.person_id is not None
    user = key.user
    # A moved or deactivated account's old URLs stop working.
    return bool(user is not None and user.is_active and user.municipality_id == key.municipality_id)


def _feed_response(token: str, build: Callable[[CalendarKey], icalendar.Calendar | None]) -> HttpResponse:
    """Resolve the token inside its municipality's scope and serialise the feed ``build`` makes.

    Every failure (malformed token, unknown municipality or secret, inactive user,
    missing permission, another municipality's series) is the same 404.
    """
    parts = calendar_services.token_split(token)
    if parts is None:
        raise Http404
    code, secret = parts
    with municipality_scope(code):
        key = calendar_selectors.calendar_key_find(secret=secret)
        if key is None or not _key_is_usable(key):
            raise Http404
        calendar = build(key)
        if calendar is None:
            raise Http404
        body = calendar_bytes(calendar)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = FEED_CACHE_CONTROL
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _staff_with(key: CalendarKey, permission: str) -> bool:
    return key.user_id is not None and user_has_permission(key.user, permission)


@public
@require_GET
def feed_personal(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's or an invited person's own meetings and sessions."""

    def build(key: CalendarKey) -> icalendar.Calendar:
        if key.user is not None:
            events = calendar_selectors.personal_events_for_user(user=key.user)
        else:  # a person's key (_key_is_usable checked it has one)
            events = calendar_selectors.personal_events_for_person(person_id=key.person_id or 0)
        calendar = calendar_new(name="bollplank")
        events_add(calendar, events)
        return calendar

    return _feed_response(token, build)


@public
@require_GET
def feed_series(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One meeting series as a recurring event with its exceptions (staff with MEETINGS_VIEW)."""

    def build(key: CalendarKey) -> icalendar.Calendar | None:
        if not _staff_with(key, MEETINGS_VIEW):
            return None
        found = calendar_selectors.series_feed_get(id=pk)
        if found is None:
            return None
        series, events = found
        calendar = calendar_new(name=series.title)
        series_add(calendar, series, events)
        return calendar

    return _feed_response(token, build)


@public
@require_GET
def feed_cohort(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """One cohort's sessions, cancelled ones marked as such (staff with PROGRAMMES_VIEW)."""

    def build(key: CalendarKey) -> icalendar.Calendar | None:
        if not _staff_with(key, PROGRAMMES_VIEW):
            return None
        found = calendar_selectors.cohort_feed_get(id=pk)
        if found is None:
            return None
        cohort, events = found
        calendar = calendar_new(name=f"{cohort.programme.name} – {cohort.name}")
        events_add(calendar, events)
        return calendar

    return _feed_response(token, build)


@requires(MEETINGS_VIEW)
@require_GET
def calendar_page(request: StaffRequest) -> HttpResponse:
    """How to subscribe, with the user's own feed address and one per series and cohort."""
    key = calendar_services.calendar_key_for_user(user=request.user)
    page = calendar_selectors.calendar_page(
        user=request.user, with_cohorts=user_has_permission(request.user, PROGRAMMES_VIEW)
    )
    series_feeds: list[dict[str, Any]] = [
        {
            "series": series,
            "id": f"feed-series-{series.pk}",
            "url": calendar_services.series_feed_url(key=key, series_id=series.pk),
        }
        for series in page.series
    ]
    cohort_feeds: list[dict[str, Any]] = [
        {
            "cohort": cohort,
            "id": f"feed-cohort-{cohort.pk}",
            "url": calendar_services.cohort_feed_url(key=key, cohort_id=cohort.pk),
        }
        for cohort in page.cohorts
    ]
    return render(
        request,
        "meetings/calendar.html",
        {
            "personal_url": calendar_services.user_feed_url(user=request.user),
            "series_feeds": series_feeds,
            "cohort_feeds": cohort_feeds,
        },
    )


@requires(MEETINGS_VIEW)
@require_POST
def calendar_rotate(request: StaffRequest) -> HttpResponse:
    """Replace the user's secret: every feed address given out before stops working."""
    calendar_services.calendar_key_rotate(by=request.user, user=request.user)
    messages.success(
        request,
        _(
            "Your calendar addresses are new. Subscribe again with the addresses below; "
            "the old ones no longer work."
        ),
    )
    return redirect("meetings:calendar")
