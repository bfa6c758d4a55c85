from django.urls import path

from register import views

app_name = "register"
urlpatterns = [
    path("register/", views.assignee_list, name="assignee_list"),
    path("register/export.csv", views.assignee_export, name="assignee_export"),
    path("hushall/nytt/", views.household_create, name="household_create"),
    path("hushall/<int:pk>/", views.household_detail, name="household_detail"),
    path("hushall/<int:pk>/andra/", views.household_edit, name="household_edit"),
    path("hushall/<int:household_pk>/medlem/ny/", views.person_create, name="member_create"),
    path(
        "hushall/<int:household_pk>/uppdrag/nytt/",
        views.assignment_create,
        name="household_assignment_create",
    ),
    path("person/ny/", views.person_create, name="person_create"),
    path("person/<int:pk>/", views.person_detail, name="person_detail"),
    path("person/<int:pk>/andra/", views.person_edit, name="person_edit"),
    path("person/<int:person_pk>/uppdrag/nytt/", views.assignment_create, name="person_assignment_create"),
    path("uppdrag/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("uppdrag/<int:pk>/andra/", views.assignment_edit, name="assignment_edit"),
    path("uppdrag/<int:pk>/status/", views.assignment_transition, name="assignment_transition"),
]
