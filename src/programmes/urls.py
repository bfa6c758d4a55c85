"""Programme URLs: programmes, cohorts, members and sessions, and their evaluation.

Staff pages (``urlpatterns``, namespace "programmes") are mounted by ``config.urls`` under
/program/; the questionnaire a member answers without logging in (``public_urlpatterns``)
under /fragor/, namespace "programmes_public".
"""

from django.urls import URLPattern, URLResolver, include, path

from programmes import views
from programmes.evaluation import urls as evaluation_urls

app_name = "programmes"

urlpatterns: list[URLPattern] = [
    path("", views.programme_list, name="programme_list"),
    path("ny/", views.programme_create, name="programme_create"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/andra/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/kohort/ny/", views.cohort_create, name="cohort_create"),
    path("kohort/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("kohort/<int:pk>/deltagare/", views.cohort_participant_add, name="cohort_participant_add"),
    path("kohort/<int:pk>/mentorer/", views.cohort_mentor_add, name="cohort_mentor_add"),
    path("medlem/<int:pk>/lamnar/", views.cohort_member_remove, name="cohort_member_remove"),
    path("traff/<int:pk>/", views.session_detail, name="session_detail"),
    path("traff/<int:pk>/flytta/", views.session_move, name="session_move"),
    path("traff/<int:pk>/stall-in/", views.session_cancel, name="session_cancel"),
    path("traff/<int:pk>/aterstall/", views.session_restore, name="session_restore"),
    path("traff/<int:pk>/narvaro/", views.session_attendance, name="session_attendance"),
    *evaluation_urls.urlpatterns,
]
public_urlpatterns: list[URLResolver] = [
    path("fragor/", include((evaluation_urls.public_urlpatterns, "programmes_public"))),
]
