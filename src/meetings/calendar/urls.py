"""Calendar URLs: the staff page with feed addresses (joined into the "meetings" namespace by
``meetings.urls``) and the feeds themselves (``public_urlpatterns``, mounted by ``meetings.urls``
under /kalender/), whose URL carries its own secret."""

from django.urls import URLPattern, path

from meetings.calendar import views

urlpatterns: list[URLPattern] = [
    path("kalender/", views.calendar_page, name="calendar"),
    path("kalender/ny-adress/", views.calendar_rotate, name="calendar_rotate"),
]
public_urlpatterns: list[URLPattern] = [
    path("<str:token>/mitt.ics", views.feed_personal, name="personal"),
    path("<str:token>/serie/<int:pk>.ics", views.feed_series, name="series"),
    path("<str:token>/kohort/<int:pk>.ics", views.feed_cohort, name="cohort"),
]
