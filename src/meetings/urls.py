"""Network-meeting URLs: series, meetings, invitations and attendance, and the calendar pages.

Staff pages (``urlpatterns``, namespace "meetings") are mounted by ``config.urls`` under
/traffar/; the pages reached without logging in (``public_urlpatterns``) carry their own
prefixes and namespaces: the RSVP link (/osa/, "meetings_public") and the calendar
feeds, whose URL carries its own secret (/kalender/, "calendar_public").
"""

from django.urls import URLPattern, URLResolver, include, path

from meetings import views
from meetings.calendar import urls as calendar_urls

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    path("", views.series_list, name="series_list"),
    path("ny/", views.series_create, name="series_create"),
    path("serie/<int:pk>/", views.series_detail, name="series_detail"),
    path("serie/<int:pk>/andra/", views.series_edit, name="series_edit"),
    path("traff/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("traff/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("traff/<int:pk>/bjud-in/", views.meeting_invite, name="meeting_invite"),
    path("traff/<int:pk>/narvaro/", views.meeting_attendance, name="meeting_attendance"),
    path("inbjudan/<int:pk>/svar/", views.invitation_answer, name="invitation_answer"),
    path("inbjudan/<int:pk>/aterkalla/", views.invitation_withdraw, name="invitation_withdraw"),
    path("inbjudan/<int:pk>/skicka-igen/", views.invitation_email_resend, name="invitation_email_resend"),
    *calendar_urls.urlpatterns,
]
public_urlpatterns: list[URLResolver] = [
    path("osa/", include(([path("<str:token>/", views.rsvp, name="rsvp")], "meetings_public"))),
    path("kalender/", include((calendar_urls.public_urlpatterns, "calendar_public"))),
]
