from django.urls import include, path
from wagtail import hooks

from . import urls


@hooks.register("register_admin_urls")
def register_sign_in_urls():
    return [path("", include(urls))]
