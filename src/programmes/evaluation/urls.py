"""Evaluation URLs: staff pages (joined into the "programmes" namespace by ``programmes.urls``)
and the questionnaire a member answers through the link in their e-mail (``public_urlpatterns``,
mounted by ``programmes.urls`` under /fragor/)."""

from django.urls import URLPattern, path

from programmes.evaluation import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/utvardering/", views.evaluation, name="evaluation"),
    path("<int:pk>/utvardering/export.csv", views.evaluation_export, name="evaluation_export"),
    path("<int:pk>/utvardering/fragor/", views.question_add, name="question_add"),
    path("fraga/<int:pk>/andra/", views.question_edit, name="question_edit"),
    path("fraga/<int:pk>/ta-bort/", views.question_remove, name="question_remove"),
    path("fraga/<int:pk>/aktiv/", views.question_retire, name="question_retire"),
    path("fraga/<int:pk>/flytta/", views.question_move, name="question_move"),
    path("kohort/<int:pk>/enkater/", views.cohort_questionnaires, name="cohort_questionnaires"),
    path("kohort/<int:pk>/enkater/skicka/", views.questionnaires_send, name="questionnaires_send"),
    path("enkat/<int:pk>/skicka-igen/", views.questionnaire_email_resend, name="questionnaire_email_resend"),
]
public_urlpatterns: list[URLPattern] = [
    path("<str:token>/", views.questionnaire_answer, name="questionnaire_answer"),
]
