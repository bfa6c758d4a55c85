"""Calendar feeds (public: the URL's secret is the credential) and the staff page listing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import icalendar
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import MEETINGS_VIEW, StaffRequest, public, requires, user_has_permission
from kernel.links import LinkRefused, public_link_view
from meetings.calendar import links, selectors, services
from meetings.calendar.ical import calendar_bytes, calendar_new, events_add
from meetings.calendar.links import FEED_TOKENS, FeedClaim
from meetings.calendar.sources import GroupFeed
from meetings.models import CalendarKey

# Calendar programs poll; a proxy must never share one person's feed with another.
FEED_CACHE_CONTROL = "private, max-age=900"


def _key_is_usable(key: CalendarKey) -> bool:
    if key.user_id is None:
        return key.person_id is not None
    user = key.user
    # A moved or deactivated account's old URLs stop working.
    return bool(user is not None and user.is_active and user.municipality_id == key.municipality_id)


def _feed_response(
    request: HttpRequest, token: str, build: Callable[[CalendarKey], icalendar.Calendar | None]
) -> HttpResponse:
    """Resolve the token inside its municipality's scope and serialise the feed ``build`` makes.

    Every failure (malformed token, unknown municipality or secret, inactive user,
    missing permission, another municipality's group) is the same 404.
    """

    def fetch(claim: FeedClaim) -> CalendarKey:
        key = selectors.calendar_key_find(secret=claim.secret)
        if key is None or not _key_is_usable(key):
            raise LinkRefused(status=404)
        return key

    def page(key: CalendarKey) -> HttpResponse:
        calendar = build(key)
        if calendar is None:
            raise LinkRefused(status=404)
        response = HttpResponse(calendar_bytes(calendar), content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = FEED_CACHE_CONTROL
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return public_link_view(request, token, link=FEED_TOKENS, closed_template=None, fetch=fetch, page=page)


@public
@require_GET
def feed_personal(request: HttpRequest, token: str) -> HttpResponse:
    """A staff member's or an invited person's own meetings and sessions."""

    def build(key: CalendarKey) -> icalendar.Calendar:
        if key.user is not None:
            events = selectors.personal_events_for_user(user=key.user)
        else:  # a person's key (_key_is_usable checked it has one)
            events = selectors.personal_events_for_person(person_id=key.person_id or 0)
        calendar = calendar_new(name="bollplank")
        events_add(calendar, events)
        return calendar

    return _feed_response(request, token, build)


def feed_group(feed: GroupFeed) -> Callable[..., HttpResponse]:
    """The public view of one kind of group feed: a staff key whose role grants ``feed.permission``."""

    @public
    @require_GET
    def view(request: HttpRequest, token: str, pk: int) -> HttpResponse:
        def build(key: CalendarKey) -> icalendar.Calendar | None:
            if key.user_id is None or not user_has_permission(key.user, feed.permission):
                return None
            return feed.calendar(pk)

        return _feed_response(request, token, build)

    view.__name__ = view.__qualname__ = f"feed_{feed.name}"
    return view


@requires(MEETINGS_VIEW)
@require_GET
def calendar_page(request: StaffRequest) -> HttpResponse:
    """How to subscribe, with the user's own feed address and one per group (series, cohort)."""
    key = services.calendar_key_for_user(user=request.user)
    sections: list[dict[str, Any]] = [
        {
            "heading": section.feed.heading,
            "empty": section.feed.empty,
            "feeds": [
                {
                    "id": f"feed-{section.feed.name}-{group_id}",
                    "label": label,
                    "url": links.group_feed_url(key=key, feed_name=section.feed.name, group_id=group_id),
                }
                for group_id, label in section.groups
            ],
        }
        for section in selectors.calendar_page(user=request.user)
    ]
    return render(
        request,
        "meetings/calendar.html",
        {"personal_url": links.user_feed_url(user=request.user), "sections": sections},
    )


@requires(MEETINGS_VIEW)
@require_POST
def calendar_rotate(request: StaffRequest) -> HttpResponse:
    """Replace the user's secret: every feed address given out before stops working."""
    services.calendar_key_rotate(by=request.user, user=request.user)
    messages.success(
        request,
        _(
            "Your calendar addresses are new. Subscribe again with the addresses below; "
            "the old ones no longer work."
        ),
    )
    return redirect("meetings:calendar")
