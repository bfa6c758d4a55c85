"""URL map. Every view declares its permission (accounts.permissions)."""

from django.urls import include, path
from django.views.i18n import set_language

from accounts.permissions import public
from meetings.urls import feed_urlpatterns, rsvp_urlpatterns
from mentorship.urls import survey_urlpatterns
from programmes.urls import public_urlpatterns as questionnaire_urlpatterns

urlpatterns = [
    path("", include("register.urls")),
    path("konto/", include("accounts.urls")),
    path("logg/", include("audit.urls")),
    path("jobb/", include("jobs.urls")),
    path("mentorskap/", include("mentorship.urls")),
    path("enkat/", include((survey_urlpatterns, "mentorship_public"))),
    path("program/", include("programmes.urls")),
    path("traffar/", include("meetings.urls")),
    path("insikter/", include("insights.urls")),
    path("fragor/", include((questionnaire_urlpatterns, "programmes_public"))),
    path("osa/", include((rsvp_urlpatterns, "meetings_public"))),
    path("kalender/", include((feed_urlpatterns, "calendar_public"))),
    path("i18n/setlang/", public(set_language), name="set_language"),
]
