"""The background-job record, at /jobb/ (namespace "jobs", as when it lived in the jobs app)."""

from django.urls import path

from audit.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.overview, name="overview"),
]
