"""Issue 10, done-when 5 (browser): two-factor sign-in through the real admin pages.

A member of staff who can see personal data signs in with their password, is
sent to set up an authenticator (the code is computed from the key the page
shows as text, as someone typing it into an app would), sees their backup
codes, reaches the dashboard; signs out, and signs in again with password then
a code from the app.
"""

import base64
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.helpers.servers import ensure_default_locale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    ensure_default_locale()


def data_officer(django_user_model):
    user = django_user_model.objects.create_user(username="dataofficer", password=PASSWORD)
    # The council's own group for staff who see personal data (home's migrations
    # create it; a transactional test may have flushed it).
    group, _ = Group.objects.get_or_create(name="Follow-up officers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="home", codename="view_personal_data"),
    )
    user.groups.add(group)
    return user


def sign_in_with_password(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "dataofficer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def code(key: bytes, drift: int = 0) -> str:
    return f"{totp(key, drift=drift):06d}"


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_sign_in_with_password_then_authenticator(
    browser_page, live_server, home_page, django_user_model
):
    data_officer(django_user_model)
    page = browser_page

    sign_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/setup/\?next=%2Fadmin%2F$"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".signin-qr-code svg")).to_be_visible()
    typed_key = page.locator("#signin-secret").inner_text().replace(" ", "")
    key = base64.b32decode(typed_key + "=" * (-len(typed_key) % 8))

    page.get_by_label("Sign-in code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".error-message")).to_contain_text("That code is not right")
    page.get_by_label("Sign-in code").fill(code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="Continue to the admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#main").get_by_role("heading", name="dataofficer")).to_be_visible()

    # Sign out, and back in: the password, then a code from the app.
    # The setup page now says it is on, and offers new backup codes and signing out.
    page.goto(f"{live_server.url}/admin/two-factor/setup/")
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/\?next="))
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    # The code for the next 30 seconds: the app has moved on since setup, and
    # a code already used is refused.
    page.get_by_label("Sign-in code").fill(code(key, drift=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#main").get_by_role("heading", name="dataofficer")).to_be_visible()
