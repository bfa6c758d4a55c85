"""Series, meetings, invitations and attendance; the public RSVP link (``/osa/<token>/``)."""

from django.urls import URLPattern, path

from meetings import views

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
]
public_urlpatterns: list[URLPattern] = [path("<str:token>/", views.rsvp, name="rsvp")]
