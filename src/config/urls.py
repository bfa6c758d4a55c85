"""URL map. Every view declares its permission (accounts.permissions).

Each app's ``urls.py`` exports its staff pages as ``urlpatterns`` (namespace ``app_name``),
mounted here under the app's prefix, and, when it sends links that work without logging
in, ``public_urlpatterns``: entries that carry their own prefix and namespace (the app signs
those links, so it owns their addresses). A sub-domain package's ``urls.py`` exports the
same two lists, and its app's ``urls.py`` joins them into its own.
"""

from django.urls import include, path
from django.views.i18n import set_language

from accounts.permissions import public
from meetings import urls as meetings_urls
from mentorship import urls as mentorship_urls
from programmes import urls as programmes_urls

urlpatterns = [
    path("", include("worklist.urls")),
    path("", include("register.urls")),
    path("konto/", include("accounts.urls")),
    path("logg/", include("audit.urls")),
    path("jobb/", include("audit.jobs.urls")),
    path("mentorskap/", include("mentorship.urls")),
    path("program/", include("programmes.urls")),
    path("traffar/", include("meetings.urls")),
    path("insikter/", include("insights.urls")),
    *mentorship_urls.public_urlpatterns,
    *programmes_urls.public_urlpatterns,
    *meetings_urls.public_urlpatterns,
    path("i18n/setlang/", public(set_language), name="set_language"),
]
