"""The start page (``/``), each role's own: namespace "worklist", mounted by ``config.urls`` at the root."""

from django.urls import path

from worklist import views

app_name = "worklist"
urlpatterns = [
    path("", views.start, name="start"),
]
