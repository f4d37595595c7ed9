"""Issue 10, staff sign-in: throttled password guessing and a second factor.

Attacked as a guesser would: many wrong passwords from one address, then
from many; the right password while locked; codes guessed at the verify step.
"""

import html
import re
import types

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from home import ratelimit
from home.signin import throttle

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
DASHBOARD = "/admin/"
LISTING = "/admin/users/"
VERIFY = "/admin/two-factor/verify/"
SETUP = "/admin/two-factor/setup/"
PASSWORD = "correct horse battery staple"  # noqa: S105
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"
LOCKED = "Too many failed attempts for this account from your network."
SLOWED = "Too many failed attempts for this account. Try again in"


class Clock:
    """Stands in for the time module inside home.ratelimit, so windows can pass."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    # A whole number of 15-minute windows, so a new window starts now.
    fake = Clock(900.0 * 10**6)
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=fake.time))
    return fake


def staff(django_user_model, username="officer", *, personal_data=False):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    group = Group.objects.create(name=f"group for {username}")
    permissions = [Permission.objects.get(codename="access_admin")]
    if personal_data:
        permissions.append(
            Permission.objects.get(content_type__app_label="home", codename="view_personal_data")
        )
    # A listing to try beyond the dashboard.
    permissions.append(Permission.objects.get(codename="change_user"))
    group.permissions.add(*permissions)
    user.groups.add(group)
    return user


@pytest.fixture
def officer(django_user_model):
    return staff(django_user_model)


def sign_in(client, username, password, address):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": DASHBOARD},
        REMOTE_ADDR=address,
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def error_text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


# Throttling --------------------------------------------------------------


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_ACCOUNT_FAILURE_LIMIT=20)
def test_wrong_passwords_lock_the_account_for_that_address_only(client, officer, clock):
    for attempt in range(5):
        response = sign_in(client, "officer", f"guess-{attempt}", ATTACKER)
        assert response.status_code == 200
        assert "didn't match" in error_text(response)
        assert LOCKED not in error_text(response)

    response = sign_in(client, "officer", "guess-5", ATTACKER)
    page = error_text(response)
    assert LOCKED in page
    assert "Try again in 15 minutes, or reset your password." in page

    # The right password from the attacker's address is refused the same way:
    # the lock is no oracle.
    response = sign_in(client, "officer", PASSWORD, ATTACKER)
    assert LOCKED in error_text(response)
    assert not signed_in(client)

    # The member of staff at the office still signs in.
    response = sign_in(client, "officer", PASSWORD, OFFICE)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_refused_attempts_do_not_check_the_password(client, officer, clock, monkeypatch):
    for attempt in range(3):
        sign_in(client, "officer", f"guess-{attempt}", ATTACKER)
    checked = []
    monkeypatch.setattr(
        type(officer), "check_password", lambda self, raw: checked.append(raw) or False
    )
    response = sign_in(client, "officer", PASSWORD, ATTACKER)
    assert LOCKED in error_text(response)
    assert checked == []


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_FAILURE_WINDOW=900)
def test_the_lock_expires_with_the_window(client, officer, clock):
    for attempt in range(3):
        sign_in(client, "officer", f"guess-{attempt}", ATTACKER)
    assert LOCKED in error_text(sign_in(client, "officer", PASSWORD, ATTACKER))

    clock.now += 899
    response = sign_in(client, "officer", PASSWORD, ATTACKER)
    assert "Try again in 1 minute," in error_text(response)
    assert not signed_in(client)

    clock.now += 1
    response = sign_in(client, "officer", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_accounts_that_do_not_exist_are_locked_alike(client, officer, clock):
    """Same answers for a real and a made-up account: the lock reveals no account."""
    for name in ("officer", "nobody-here"):
        pages = [error_text(sign_in(client, name, f"guess-{i}", ATTACKER)) for i in range(4)]
        assert [LOCKED in page for page in pages] == [False, False, False, True]
        assert all("didn't match" in page for page in pages[:3])


@override_settings(
    LOGIN_FAILURE_LIMIT=2, LOGIN_ACCOUNT_FAILURE_LIMIT=3, LOGIN_ACCOUNT_MAX_DELAY=300
)
def test_failures_from_many_addresses_slow_the_account_down(client, officer, clock):
    addresses = (f"192.0.2.{n}" for n in range(1, 100))
    for _ in range(3):
        sign_in(client, "officer", "guess", next(addresses))

    delays = []
    for _ in range(4):
        address = next(addresses)
        response = sign_in(client, "officer", PASSWORD, address)
        page = error_text(response)
        # Even the right password is refused while the account is held.
        assert SLOWED in page, page
        assert not signed_in(client)
        seconds = int(re.search(r"Try again in (\d+) seconds?", page).group(1))
        delays.append(seconds)
        clock.now += seconds
        # Once the hold ends, one wrong guess is checked and holds it longer.
        assert "didn't match" in error_text(sign_in(client, "officer", "guess", address))
    assert delays == [1, 2, 4, 8]


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_ACCOUNT_FAILURE_LIMIT=3)
def test_a_browser_that_signed_in_before_is_not_held(client, officer, clock):
    sign_in(client, "officer", PASSWORD, OFFICE)
    assert signed_in(client)
    assert throttle.DEVICE_COOKIE in client.cookies
    client.post("/admin/logout/")

    from django.test import Client

    attacker = Client()
    for n in range(6):
        sign_in(attacker, "officer", "guess", f"192.0.2.{n}")
    assert SLOWED in error_text(sign_in(attacker, "officer", PASSWORD, "192.0.2.50"))

    # The officer's own browser (the cookie) still gets in while the account is held.
    response = sign_in(client, "officer", PASSWORD, OFFICE)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_django_admin_login_is_throttled_too(client, django_user_model, clock):
    django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    for attempt in range(3):
        client.post(
            "/django-admin/login/",
            {"username": "boss", "password": f"guess-{attempt}"},
            REMOTE_ADDR=ATTACKER,
        )
    response = client.post(
        "/django-admin/login/", {"username": "boss", "password": PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert LOCKED in error_text(response)
    assert not signed_in(client)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_password_reset_requests_are_limited(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            response = client.post(
                "/admin/password_reset/", {"email": "officer@example.org"}, REMOTE_ADDR=ATTACKER
            )
            # Always the same answer, whether or not anything was sent.
            assert response.status_code == 302
            assert response["Location"] == "/admin/password_reset/done/"
    assert len(mail.outbox) == 3
    assert mail.outbox[0].to == ["officer@example.org"]


# Two-factor --------------------------------------------------------------


def add_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def data_officer(django_user_model):
    return staff(django_user_model, "dataofficer", personal_data=True)


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_personal_data_staff_cannot_reach_the_admin_without_a_second_factor(client, data_officer):
    response = sign_in(client, "dataofficer", PASSWORD, OFFICE)
    assert signed_in(client)
    for url in (DASHBOARD, LISTING, "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP + "?next="), url

    # What every admin page loads still loads (the icon sprite would otherwise
    # be this redirect's page, pasted into the setup page).
    assert client.get("/admin/sprite/").status_code == 200

    # Setting up: the page shows a QR code and the key; the code from it turns 2FA on.
    page = client.get(SETUP)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text
    device = TOTPDevice.objects.get(user=data_officer, confirmed=False)
    assert page.context["secret"].replace(" ", "") in text.replace(" ", "")
    response = client.post(SETUP, {"token": current_code(device), "next": LISTING})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(LISTING).status_code == 200


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_a_totp_code_opens_the_admin(client, data_officer):
    device = add_authenticator(data_officer)
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    for url in (DASHBOARD, LISTING):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY + "?next=")
    # Setup must not let a password alone add another device.
    assert client.get(SETUP)["Location"].startswith(VERIFY)

    wrong = client.post(VERIFY, {"token": "000000", "next": LISTING})
    assert wrong.status_code == 200
    assert "That code is not right" in error_text(wrong)
    assert client.get(DASHBOARD).status_code == 302
    response = client.post(VERIFY, {"token": current_code(device), "next": LISTING})
    assert response.status_code == 302
    assert response["Location"] == LISTING
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(LISTING).status_code == 200


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_staff_without_the_permission_are_not_forced(client, officer):
    sign_in(client, "officer", PASSWORD, OFFICE)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(LISTING).status_code == 200


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=False)
def test_with_the_setting_off_only_users_with_a_device_are_asked(client, data_officer, officer):
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    assert client.get(DASHBOARD).status_code == 200

    add_authenticator(officer)
    client.post("/admin/logout/")
    sign_in(client, "officer", PASSWORD, OFFICE)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_a_superuser_is_forced_too(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    sign_in(client, "boss", PASSWORD, OFFICE)
    assert client.get(DASHBOARD)["Location"].startswith(SETUP)


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_a_backup_code_works_once(client, data_officer):
    from home.signin.two_factor import new_backup_codes

    add_authenticator(data_officer)
    code = new_backup_codes(data_officer)[0]

    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    response = client.post(VERIFY, {"token": code.upper(), "next": DASHBOARD})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()

    client.post("/admin/logout/")
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    response = client.post(VERIFY, {"token": code, "next": DASHBOARD})
    assert response.status_code == 200
    assert client.get(DASHBOARD).status_code == 302


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True, LOGIN_FAILURE_LIMIT=3)
def test_code_guesses_count_as_failures(client, data_officer, clock):
    device = add_authenticator(data_officer)
    sign_in(client, "dataofficer", PASSWORD, ATTACKER)
    for guess in ("111111", "222222", "333333"):
        client.post(VERIFY, {"token": guess}, REMOTE_ADDR=ATTACKER)

    response = client.post(
        VERIFY, {"token": current_code(device), "next": DASHBOARD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 200
    assert LOCKED in error_text(response)
    assert client.get(DASHBOARD).status_code == 302
    # The password form from that address is locked for the account as well.
    client.post("/admin/logout/")
    assert LOCKED in error_text(sign_in(client, "dataofficer", PASSWORD, ATTACKER))


@override_settings(OTP_REQUIRED_FOR_PERSONAL_DATA=True)
def test_next_cannot_send_anyone_off_site(client, data_officer):
    device = add_authenticator(data_officer)
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    response = client.post(
        VERIFY, {"token": current_code(device), "next": "https://evil.example/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD


@override_settings(
    OTP_REQUIRED_FOR_PERSONAL_DATA=True, LOGIN_FAILURE_LIMIT=5, LOGIN_ACCOUNT_FAILURE_LIMIT=20
)
def test_a_stolen_password_cannot_lock_staff_out_of_their_second_factor(
    client, data_officer, clock
):
    from django.test import Client

    device = add_authenticator(data_officer)
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    client.post(VERIFY, {"token": current_code(device)}, REMOTE_ADDR=OFFICE)
    client.post("/admin/logout/")

    for n in range(4):
        attacker = Client()
        assert sign_in(attacker, "dataofficer", PASSWORD, f"192.0.2.{n}").status_code == 302
        for guess in range(5):
            attacker.post(VERIFY, {"token": f"{guess:06d}"}, REMOTE_ADDR=f"192.0.2.{n}")
    # 20 wrong codes: the account is held for browsers it does not know.
    assert SLOWED in error_text(sign_in(Client(), "dataofficer", PASSWORD, "192.0.2.99"))

    # The officer's own browser: password, then the app's next code.
    sign_in(client, "dataofficer", PASSWORD, OFFICE)
    next_code = f"{totp(device.bin_key, drift=1):06d}"
    response = client.post(VERIFY, {"token": next_code, "next": DASHBOARD}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_the_account_screen_links_to_two_factor_setup(client, officer):
    sign_in(client, "officer", PASSWORD, OFFICE)
    response = client.get("/admin/account/")
    assert response.status_code == 200
    assert f'href="{SETUP}"' in response.content.decode()
    assert "Set up two-factor sign-in" in response.content.decode()
