"""Calendar pages: the staff page with feed addresses (``meetings:``) and the feeds
themselves (``calendar_public:``, mounted at /kalender/), whose URL carries its own secret."""

from django.urls import URLPattern, path

from meetings import calendar_views

urlpatterns: list[URLPattern] = [
    path("kalender/", calendar_views.calendar_page, name="calendar"),
    path("kalender/ny-adress/", calendar_views.calendar_rotate, name="calendar_rotate"),
]
public_urlpatterns: list[URLPattern] = [
    path("<str:token>/mitt.ics", calendar_views.feed_personal, name="personal"),
    path("<str:token>/serie/<int:pk>.ics", calendar_views.feed_series, name="series"),
    path("<str:token>/kohort/<int:pk>.ics", calendar_views.feed_cohort, name="cohort"),
]
