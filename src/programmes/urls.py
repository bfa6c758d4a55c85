"""Programme URLs: cohorts and sessions (cohort_urls), questionnaires and evaluation (evaluation_urls)."""

from programmes import cohort_urls, evaluation_urls

app_name = "programmes"
urlpatterns = [*cohort_urls.urlpatterns, *evaluation_urls.urlpatterns]
# Reached from e-mail without logging in (namespace "programmes_public").
public_urlpatterns = [*evaluation_urls.public_urlpatterns]
