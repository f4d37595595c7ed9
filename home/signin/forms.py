"""Sign-in forms that say why an attempt was refused, and a throttled password reset."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.template.loader import render_to_string
from wagtail.admin.forms.auth import LoginForm, PasswordResetForm

from home import ratelimit
from home.mail import send_email_later

from . import throttle


class ThrottleMessageMixin:
    """Shows the throttle's message instead of "wrong password" for a refused attempt."""

    def get_invalid_login_error(self):
        found = getattr(self.request, throttle.REFUSAL_ATTRIBUTE, None)
        if found is not None:
            return forms.ValidationError(found.message, code="throttled")
        return super().get_invalid_login_error()


class ThrottledLoginForm(ThrottleMessageMixin, LoginForm):
    """Wagtail's admin login form (WAGTAILADMIN_USER_LOGIN_FORM)."""


class ThrottledAdminLoginForm(ThrottleMessageMixin, AdminAuthenticationForm):
    """Django's admin login form."""


class ThrottledPasswordResetForm(PasswordResetForm):
    """Wagtail's password reset request, limited per client address and per email address.

    Over the limit nothing is sent, and the page says the same as always ("if
    an account exists, we have sent an email"), so neither a flood of requests
    nor the answer reveals anything; mail goes through `send_email_later`.
    """

    def save(self, request=None, **kwargs):
        if request is not None and not self._within_limits(request):
            return None
        return super().save(request=request, **kwargs)

    def _within_limits(self, request) -> bool:
        limit, window = settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW
        by_address = ratelimit.check(request, "password-reset", limit=limit, window=window)
        by_email = ratelimit.count(
            "password-reset-email", self.cleaned_data["email"].casefold(), window=window
        )
        return by_address.allowed and by_email.count <= limit

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email_later(subject=subject, body=body, to=[to_email], from_email=from_email)
