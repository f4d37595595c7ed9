"""Sign-in throttling that an attacker can neither guess past nor use to lock staff out.

Two limits, both counted in the shared rate-limit store (`home.ratelimit`):

- Per account *and* client address: after `LOGIN_FAILURE_LIMIT` failures in a
  `LOGIN_FAILURE_WINDOW`, that address may not try that account again until
  the window ends. Another address (the member of staff at their desk) is
  unaffected, so a guesser cannot keep them out.
- Per account across every address: past `LOGIN_ACCOUNT_FAILURE_LIMIT`
  failures in the window, each further failure holds the account for a
  growing delay (1, 2, 4... seconds, at most `LOGIN_ACCOUNT_MAX_DELAY`), so a
  guesser with many addresses is slowed too. A browser that has signed in to
  the account before carries a signed "known device" cookie and is not held:
  staff keep getting in while the account is under attack.

A refused attempt never checks the password (a correct one is refused the
same way, so the refusal is no oracle) and is not itself counted. Accounts are
counted by the name typed, whether or not it exists, so the answers and their
timing are the same for every name. Second-factor codes count as failures too
(`home.signin.views`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import ngettext

from home import ratelimit

PAIR_SCOPE = "signin-account-address"
ACCOUNT_SCOPE = "signin-account"
DEVICE_COOKIE = "ourplaces_signin_device"
DEVICE_COOKIE_SALT = "home.signin.device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# Set on the request when an attempt was refused, so the form can say why and
# the failure signal does not count it.
REFUSAL_ATTRIBUTE = "_signin_refusal"


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


def _account(username) -> str:
    return str(username or "").strip().casefold()


def _pair(request, username) -> str:
    return f"{_account(username)}\n{ratelimit.client_address(request)}"


def _device_token(username) -> str:
    return salted_hmac(DEVICE_COOKIE_SALT, _account(username)).hexdigest()


def is_known_device(request, username) -> bool:
    """True when this browser has signed in to this account before."""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE
    )
    return bool(value) and constant_time_compare(value, _device_token(username))


def remember_device(response, username) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _device_token(username),
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def refusal(request, username) -> Refusal | None:
    """Why this attempt must not be checked, or None if it may be."""
    window = settings.LOGIN_FAILURE_WINDOW
    mine = ratelimit.count(PAIR_SCOPE, _pair(request, username), window=window, add=0)
    if mine.count >= settings.LOGIN_FAILURE_LIMIT:
        minutes = math.ceil(mine.retry_after / 60)
        return Refusal(
            ngettext(
                "Too many failed attempts for this account from your network. "
                "Try again in %(n)d minute, or reset your password.",
                "Too many failed attempts for this account from your network. "
                "Try again in %(n)d minutes, or reset your password.",
                minutes,
            )
            % {"n": minutes},
            mine.retry_after,
        )
    seconds = ratelimit.held(ACCOUNT_SCOPE, _account(username))
    if seconds and not is_known_device(request, username):
        return Refusal(
            ngettext(
                "Too many failed attempts for this account. "
                "Try again in %(n)d second, or reset your password.",
                "Too many failed attempts for this account. "
                "Try again in %(n)d seconds, or reset your password.",
                seconds,
            )
            % {"n": seconds},
            seconds,
        )
    return None


def record_failure(request, username) -> None:
    """Count a checked attempt that failed (a wrong password or code)."""
    window = settings.LOGIN_FAILURE_WINDOW
    ratelimit.count(PAIR_SCOPE, _pair(request, username), window=window)
    failures = ratelimit.count(ACCOUNT_SCOPE, _account(username), window=window).count
    excess = failures - settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    if excess >= 0:
        delay = min(2 ** min(excess, 30), settings.LOGIN_ACCOUNT_MAX_DELAY)
        ratelimit.hold(ACCOUNT_SCOPE, _account(username), seconds=delay)


def record_success(request, username) -> None:
    """This address's failures for the account no longer count against it."""
    ratelimit.forget(PAIR_SCOPE, _pair(request, username), window=settings.LOGIN_FAILURE_WINDOW)


def refuse_if_throttled(request, username) -> None:
    """Raise PermissionDenied (and note why on the request) if the attempt is refused."""
    found = refusal(request, username)
    if found is not None:
        setattr(request, REFUSAL_ATTRIBUTE, found)
        raise PermissionDenied(found.message)


class ThrottledModelBackend(ModelBackend):
    """Django's backend, refusing throttled attempts before the password is checked.

    Every sign-in that passes its request to `authenticate()` (Wagtail's admin,
    Django's admin, the second-factor step) goes through here, so no form can
    skip the limits.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            if username is None:
                from django.contrib.auth import get_user_model

                username = kwargs.get(get_user_model().USERNAME_FIELD)
            refuse_if_throttled(request, username)
        return super().authenticate(request, username=username, password=password, **kwargs)
