"""The admin opens only after a second factor, for those who have or need one.

Scoped to Wagtail's admin and Django's admin: a signed-in user who has a
device but has not given a code this session is sent to the verify page; one
who must have a device (`two_factor.is_required`) and has none is sent to the
setup page. Signing in and out, and those two pages, stay open. Goes after
django-otp's OTPMiddleware, which gives `request.user.is_verified()`.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from . import signals, throttle, two_factor

# Views an unverified user must still reach (by URL name): signing in and out,
# the two steps here, and what every admin page loads (the icon sprite, the
# translations), which Wagtail serves to anyone.
OPEN_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "signin_verify",
    "signin_setup",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
}


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, signals.REMEMBER_DEVICE_ATTRIBUTE, None)
        if username:
            throttle.remember_device(response, username)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith(_admin_prefixes()):
            return None
        if request.resolver_match and request.resolver_match.view_name in OPEN_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if two_factor.has_device(user):
            return _redirect("signin_verify", request)
        if two_factor.is_required(user):
            return _redirect("signin_setup", request)
        return None


def _admin_prefixes() -> tuple[str, ...]:
    return (reverse("wagtailadmin_home"), reverse("admin:index"))


def _redirect(view_name, request):
    return redirect(f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}")
