from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login, name="login"),
    path("logga-ut/", views.logout, name="logout"),
    path("losenord/", views.password_change, name="password_change"),
    path("losenord/klart/", views.password_change_done, name="password_change_done"),
    path("aterstall/", views.password_reset, name="password_reset"),
    path("aterstall/skickat/", views.password_reset_done, name="password_reset_done"),
    path("aterstall/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("aterstall/klart/", views.password_reset_complete, name="password_reset_complete"),
]
