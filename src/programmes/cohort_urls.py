from django.urls import URLPattern, path

from programmes import views

urlpatterns: list[URLPattern] = [path("", views.programme_list, name="programme_list")]
public_urlpatterns: list[URLPattern] = []
