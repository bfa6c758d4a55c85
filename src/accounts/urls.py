from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login, name="login"),
    path("logga-in/kod/", views.login_code, name="login_code"),
    path("logga-ut/", views.logout, name="logout"),
    path("losenord/", views.password_change, name="password_change"),
    path("losenord/klart/", views.password_change_done, name="password_change_done"),
    path("aterstall/", views.password_reset, name="password_reset"),
    path("aterstall/skickat/", views.password_reset_done, name="password_reset_done"),
    path("aterstall/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("aterstall/klart/", views.password_reset_complete, name="password_reset_complete"),
    path("tvastegs/", views.two_factor, name="two_factor"),
    path("tvastegs/aktivera/", views.two_factor_setup, name="two_factor_setup"),
    path("tvastegs/reservkoder/", views.recovery_codes_new, name="recovery_codes_new"),
    path("tvastegs/stang-av/", views.two_factor_disable, name="two_factor_disable"),
    path("sakerhet/", views.security_settings, name="security_settings"),
    path("sakerhet/<int:pk>/las-upp/", views.staff_unlock, name="staff_unlock"),
    path("sakerhet/<int:pk>/ta-bort-tvastegs/", views.staff_two_factor_reset, name="staff_two_factor_reset"),
]
