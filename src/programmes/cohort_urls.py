"""Programmes, cohorts, members and sessions (namespace "programmes")."""

from django.urls import URLPattern, path

from programmes import views

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
]
public_urlpatterns: list[URLPattern] = []
