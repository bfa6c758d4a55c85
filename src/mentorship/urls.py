"""Mentorship URLs: staff pages (``urlpatterns``, namespace "mentorship", mounted by ``config.urls``
under /mentorskap/) and the follow-up survey a family answers without logging in
(``public_urlpatterns``: /enkat/, namespace "mentorship_public")."""

from django.urls import URLResolver, include, path

from mentorship import views

app_name = "mentorship"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mentorfamilj/<int:assignment_pk>/", views.mentor_profile_edit, name="mentor_profile_edit"),
    path("erbjud/<int:assignment_pk>/", views.offer_create, name="offer_create"),
    path("erbjudande/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("erbjudande/<int:pk>/svar/", views.offer_answer, name="offer_answer"),
    path("erbjudande/<int:pk>/behov/", views.offer_needs, name="offer_needs"),
    path("erbjudande/<int:pk>/para/", views.offer_confirm, name="offer_confirm"),
    path("forslag/", views.batch_proposal, name="batch_proposal"),
    path("par/", views.pairing_list, name="pairing_list"),
    path("par/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    path("par/<int:pk>/introduktion/", views.pairing_introduction, name="pairing_introduction"),
    path(
        "par/<int:pk>/introduktion/hallen/", views.pairing_introduction_held, name="pairing_introduction_held"
    ),
    path("par/<int:pk>/avstamning/", views.pairing_check_in, name="pairing_check_in"),
    path("par/<int:pk>/avsluta/", views.pairing_end, name="pairing_end"),
    path("enkat/<int:pk>/skicka-igen/", views.survey_email_resend, name="survey_email_resend"),
    path("avstamning/<int:pk>/stod-hanterat/", views.check_in_support_handle, name="check_in_support_handle"),
    path("enkatsvar/<int:pk>/uppfoljt/", views.survey_follow_up, name="survey_follow_up"),
]
public_urlpatterns: list[URLResolver] = [
    path(
        "enkat/",
        include(([path("<str:token>/", views.survey_answer, name="survey_answer")], "mentorship_public")),
    ),
]
