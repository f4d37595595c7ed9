from django.urls import path

from . import views

urlpatterns = [
    path("two-factor/verify/", views.verify, name="signin_verify"),
    path("two-factor/setup/", views.setup, name="signin_setup"),
]
