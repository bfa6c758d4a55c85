"""URL map. Every view declares its permission (accounts.permissions)."""

from django.urls import include, path
from django.views.i18n import set_language

from accounts.permissions import public
from mentorship.urls import survey_urlpatterns

urlpatterns = [
    path("", include("register.urls")),
    path("konto/", include("accounts.urls")),
    path("logg/", include("audit.urls")),
    path("jobb/", include("jobs.urls")),
    path("mentorskap/", include("mentorship.urls")),
    path("enkat/", include((survey_urlpatterns, "mentorship_public"))),
    path("i18n/setlang/", public(set_language), name="set_language"),
]
