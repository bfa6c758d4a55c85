from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("andringar/", views.change_log, name="change_log"),
    path("sakerhet/", views.security_log, name="security_log"),
]
