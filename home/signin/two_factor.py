"""Second factor for staff: an authenticator app (TOTP) plus single-use backup codes.

Built on django-otp. Anyone with a confirmed device is asked for a code after
their password; with OTP_REQUIRED_FOR_PERSONAL_DATA on, everyone who can see
citizens' personal data (and every superuser) must set one up before any other
admin page opens (`home.signin.middleware`).
"""

from __future__ import annotations

import base64
import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.permissions import can_see_personal_data

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"


def is_required(user) -> bool:
    """Whether this user may not use the admin without a second factor."""
    return bool(
        settings.OTP_REQUIRED_FOR_PERSONAL_DATA
        and user.is_authenticated
        and (user.is_superuser or can_see_personal_data(user))
    )


def has_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until the user types a code from it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG (no script, no external image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def normalise(token: str) -> str:
    """Codes as people type them: spaces and dashes dropped, letters lower-case."""
    return re.sub(r"[\s-]", "", token or "").lower()[:32]


def verify(user, token: str):
    """The confirmed device (authenticator or backup codes) that accepts `token`, or None.

    A backup code is deleted when used, so it works once.
    """
    token = normalise(token)
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def confirm_authenticator(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(normalise(token)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with a fresh set, returned once to show them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
