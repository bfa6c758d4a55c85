"""Network-meeting URLs: series, meetings, invitations (series_urls) and calendar pages (calendar_urls)."""

from meetings import calendar_urls, series_urls

app_name = "meetings"
urlpatterns = [*series_urls.urlpatterns, *calendar_urls.urlpatterns]
# Reached without logging in: the RSVP link in an invitation ("meetings_public")
# and the calendar feeds, whose URL carries its own secret ("calendar_public").
rsvp_urlpatterns = [*series_urls.public_urlpatterns]
feed_urlpatterns = [*calendar_urls.public_urlpatterns]
