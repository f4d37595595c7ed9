"""The verify and setup pages of two-factor sign-in, in the admin's own look."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import throttle, two_factor


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Sign-in code",
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": "", "spellcheck": "false"}
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("wagtailadmin_home")


def _redirect_to(view_name, next_url):
    return redirect(f"{reverse(view_name)}?{urlencode({'next': next_url})}")


def _check_code(request, form, check) -> object | None:
    """Run `check(token)` unless the throttle refuses; a wrong code counts as a failure."""
    username = request.user.get_username()
    found = throttle.refusal(request, username)
    if found is not None:
        form.add_error(None, found.message)
        return None
    result = check(form.cleaned_data["token"])
    if result:
        throttle.record_success(request, username)
        return result
    throttle.record_failure(request, username)
    form.add_error("token", "That code is not right, or it has expired. Try again.")
    return None


@never_cache
@sensitive_post_parameters("token")
@login_required
def verify(request):
    """After the password: a code from the authenticator app, or a backup code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return HttpResponseRedirect(next_url)
    if not two_factor.has_device(request.user):
        return _redirect_to("signin_setup", next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _check_code(request, form, lambda token: two_factor.verify(request.user, token))
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
    return TemplateResponse(request, "home/signin/verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("token")
@login_required
def setup(request):
    """Add an authenticator app (QR code or typed key), then show backup codes once.

    Someone who has a device but has not given a code this session is sent to
    verify first: a stolen password must not be enough to add a new device.
    """
    next_url = _next_url(request)
    user = request.user
    if two_factor.has_device(user) and not user.is_verified():
        return _redirect_to("signin_verify", next_url)

    if two_factor.has_authenticator(user):
        if request.method == "POST" and request.POST.get("action") == "backup-codes":
            return _show_backup_codes(request, two_factor.new_backup_codes(user), next_url)
        return TemplateResponse(request, "home/signin/setup_done.html", {"next": next_url})

    device = two_factor.pending_authenticator(user)
    form = CodeForm(request.POST or None)

    def confirm(token):
        return two_factor.confirm_authenticator(device, token)

    confirmed = request.method == "POST" and form.is_valid() and _check_code(request, form, confirm)
    if confirmed:
        otp_login(request, device)
        return _show_backup_codes(request, two_factor.new_backup_codes(user), next_url)
    return TemplateResponse(
        request,
        "home/signin/setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_manual_entry(device),
            "required": two_factor.is_required(user),
        },
    )


def _show_backup_codes(request, codes, next_url):
    return TemplateResponse(
        request, "home/signin/backup_codes.html", {"codes": codes, "next": next_url}
    )
