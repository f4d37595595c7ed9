from django.urls import include, path, reverse
from wagtail import hooks

from . import two_factor, urls


@hooks.register("register_admin_urls")
def register_sign_in_urls():
    return [path("", include(urls))]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    """A way to the setup page from the account screen's "More actions"."""
    on = two_factor.has_authenticator(request.user)
    return {
        "url": reverse("signin_setup"),
        "label": "Two-factor sign-in" if on else "Set up two-factor sign-in",
        "help_text": "New backup codes for your sign-in."
        if on
        else "Sign in with a code from an authenticator app as well as your password.",
    }
