"""Calendar URLs: the staff page with feed addresses (joined into the "meetings" namespace by
``meetings.urls``) and the feeds themselves (``public_urlpatterns``, mounted by ``meetings.urls``
under /kalender/), whose URL carries its own secret: the personal feed and one feed per
group of every registered source (``meetings.calendar.sources``: series, cohorts).
"""

from django.urls import URLPattern, path

from meetings.calendar import views
from meetings.calendar.sources import group_feeds

urlpatterns: list[URLPattern] = [
    path("kalender/", views.calendar_page, name="calendar"),
    path("kalender/ny-adress/", views.calendar_rotate, name="calendar_rotate"),
]
# Read when the URLconf is first loaded, after every app's ready() has registered its source.
public_urlpatterns: list[URLPattern] = [
    path("<str:token>/mitt.ics", views.feed_personal, name="personal"),
    *[
        path(f"<str:token>/{feed.path}/<int:pk>.ics", views.feed_group(feed), name=feed.name)
        for feed in group_feeds()
    ],
]
