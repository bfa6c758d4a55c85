from django.urls import URLPattern, path

from meetings import views

urlpatterns: list[URLPattern] = [path("", views.series_list, name="series_list")]
public_urlpatterns: list[URLPattern] = []
