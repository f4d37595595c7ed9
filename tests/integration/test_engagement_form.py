"""The public Place Standard form: storing answers, and every kind of bad input.

Done-when point 2 of issue 3: each bad input gets a clear message or a 4xx,
nothing partial is stored, and the form keeps the person's answers where it
re-renders.
"""

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from engagement.models import FollowUpContact, Submission, ThemeScore
from tests.factories.engagement import PlaceStandardFormFieldFactory, PlaceStandardFormPageFactory
from tests.factories.places import PlacePageFactory
from tests.helpers.html import assert_valid_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_page(home_page):
    return PlaceStandardFormPageFactory(parent=PlacePageFactory(title="Batley"))


def answers(form_page, **overrides):
    data = {
        "place": str(form_page.place_id),
        "token": str(uuid.uuid4()),
        "moving_around": "2",
        "moving_around_comment": "Pavements are broken",
        "public_transport": "skip",
        "natural_space": "7",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_stored():
    assert Submission.objects.count() == 0
    assert ThemeScore.objects.count() == 0
    assert FollowUpContact.objects.count() == 0


def test_form_page_asks_every_theme_with_a_labelled_scale(client, form_page):
    response = client.get(form_page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset class="fieldset" aria-describedby=') >= 14
    assert "Can I easily walk and cycle around using good-quality routes?</legend>" in html
    assert "Do I feel able to take part in decisions and help change things for the better?" in html
    assert html.count("– a lot of room for improvement") == 14
    assert html.count("– very little room for improvement") == 14
    assert html.count("I don&#x27;t know / skip") + html.count("I don't know / skip") >= 14
    # One comment box per theme; the page-feedback widget adds its own box.
    comment_boxes = [
        tag
        for tag in re.findall(r"<textarea[^>]*>", html)
        if re.search(r'name="[a-z_]+_comment"', tag)
    ]
    assert len(comment_boxes) == 14
    assert all('maxlength="1000"' in tag for tag in comment_boxes)
    assert html.count("You can enter up to 1,000 characters.") == 14
    assert 'class="engagement-hp"' in html
    assert "<script" not in html
    assert 'style="' not in html
    # No CSRF token: the page may be cached whole (README "Cross-site protection").
    assert 'name="csrfmiddlewaretoken"' not in html


def test_valid_answers_are_stored_whole(client, form_page):
    PlaceStandardFormFieldFactory(page=form_page, label="What one thing would you change?")
    data = answers(
        form_page,
        moving_around_comment="<script>alert(1)</script> and <b>bold</b>",
        feeling_safe="skip",
        feeling_safe_comment="Depends on the time of day",
        extra_what_one_thing_would_you_change="More benches",
        age_band="25-34",
        postcode_district="hd1",
        follow_up_email="person@example.org",
        follow_up_consent="on",
    )
    response = client.post(form_page.url, data)
    # Post/Redirect/Get: to the form's confirmation page, nothing about the response in the URL.
    assert response.status_code == 303
    assert response["Location"] == f"{form_page.url}thank-you/"
    assert "Thank you" in client.get(response["Location"]).content.decode()

    submission = Submission.objects.get()
    assert submission.form_page_id == form_page.pk
    assert submission.place_id == form_page.place_id
    assert (submission.channel, submission.status, submission.tool_version) == (
        "online",
        "accepted",
        "standard-2015",
    )
    assert submission.round_number == 1
    assert submission.participants == 1
    assert (submission.age_band, submission.postcode_district) == ("25-34", "HD1")
    assert submission.extra_answers == {"what_one_thing_would_you_change": "More benches"}
    rows = {s.theme: (s.score, s.comment) for s in submission.scores.all()}
    assert rows == {
        "moving_around": (2, "<script>alert(1)</script> and <b>bold</b>"),
        "natural_space": (7, ""),
        "feeling_safe": (None, "Depends on the time of day"),
    }
    contact = FollowUpContact.objects.get()
    assert contact.email == "person@example.org"
    assert contact.form_page_id == form_page.pk
    assert contact.consent_version == "follow-up-2026-1"
    # Kept for the retention period after the engagement closes, the same date for everyone.
    closes = timezone.localdate(form_page.closes_at)
    assert contact.delete_after == closes + datetime.timedelta(days=365)
    # Kept apart: nothing in the response points at the email.
    assert "person@example.org" not in str(submission.extra_answers)


def test_resending_the_same_form_stores_it_once(client, form_page):
    data = answers(form_page)
    first = client.post(form_page.url, data)
    again = client.post(form_page.url, data)  # a double click: to the same confirmation
    assert (first.status_code, again.status_code) == (303, 303)
    assert first["Location"] == again["Location"] == f"{form_page.url}thank-you/"
    assert Submission.objects.count() == 1
    assert ThemeScore.objects.count() == 2


@pytest.mark.parametrize("bad_score", ["0", "8", "abc", "-1", "4.5"])
def test_score_outside_the_scale_is_refused_and_answers_kept(client, form_page, bad_score):
    data = answers(form_page, public_transport=bad_score, natural_space="6")
    response = client.post(form_page.url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_public_transport_0"' in html
    assert "Choose a score from 1 to 7 for public transport" in html
    assert 'id="id_public_transport-error"' in html
    # What the person entered is still there.
    assert 'name="moving_around" value="2" id="id_moving_around_1" checked' in html
    assert 'name="natural_space" value="6" id="id_natural_space_5" checked' in html
    assert "Pavements are broken</textarea>" in html
    assert_nothing_stored()


def test_no_theme_answered_is_refused(client, form_page):
    data = answers(form_page, moving_around="skip", natural_space=None, age_band="16-24")
    response = client.post(form_page.url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Rate at least one theme from 1 to 7" in html
    assert 'name="age_band" value="16-24" id="id_age_band_1" checked' in html
    assert "Pavements are broken</textarea>" in html
    assert_nothing_stored()


def test_over_long_comment_is_refused(client, form_page):
    long_comment = "x" * 1001
    response = client.post(form_page.url, answers(form_page, natural_space_comment=long_comment))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Your comment on natural space must be 1,000 characters or fewer. It has 1001." in html
    assert 'href="#id_natural_space_comment"' in html
    assert long_comment + "</textarea>" in html
    assert_nothing_stored()


def test_a_thousand_characters_with_line_breaks_fit(client, form_page):
    comment = ("a" * 99 + "\r\n") * 9 + "a" * 100  # 1,000 characters, as browsers count
    response = client.post(form_page.url, answers(form_page, natural_space_comment=comment))
    assert response.status_code == 303
    assert len(ThemeScore.objects.get(theme="natural_space").comment) == 1000


def test_email_without_consent_is_refused(client, form_page):
    response = client.post(form_page.url, answers(form_page, follow_up_email="a@example.org"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tick the box to agree that we may email you" in html
    assert 'value="a@example.org"' in html
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("HD1 2AB", "Enter only the first half of your postcode"),
        ("12345", "Enter the first half of a postcode"),
    ],
)
def test_postcode_must_be_the_first_half_only(client, form_page, postcode, message):
    response = client.post(form_page.url, answers(form_page, postcode_district=postcode))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("opens", "closes", "says"),
    [(-30, -1, "This form has closed"), (1, 30, "This form is not open yet")],
)
def test_closed_form_says_so_and_accepts_nothing(client, form_page, opens, closes, says):
    now = timezone.now()
    form_page.opens_at = now + datetime.timedelta(days=opens)
    form_page.closes_at = now + datetime.timedelta(days=closes)
    form_page.save_revision().publish()
    page_response = client.get(form_page.url)
    assert says in page_response.content.decode()
    assert 'name="moving_around"' not in page_response.content.decode()
    response = client.post(form_page.url, answers(form_page))
    assert response.status_code == 403
    assert says in response.content.decode()
    assert_nothing_stored()


def test_answers_sent_for_another_place_are_refused(client, form_page):
    other = PlaceStandardFormPageFactory(parent=PlacePageFactory(title="Mirfield"))
    response = client.post(form_page.url, answers(form_page, place=str(other.place_id)))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This form asks about Batley, but your answers were sent for a different place" in html
    # The re-rendered form is for the right place again, with the answers kept.
    assert f'name="place" value="{form_page.place_id}"' in html
    assert "Pavements are broken</textarea>" in html
    assert_nothing_stored()


def test_cross_site_post_is_refused(form_page):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        form_page.url,
        answers(form_page),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://attacker.example",
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert_nothing_stored()


def test_post_from_the_page_is_accepted_without_a_csrf_token(form_page):
    """What a browser sends from the form's own page, cached or not: no token, no cookie."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(form_page.url)
    assert not page.cookies
    response = client.post(
        form_page.url,
        answers(form_page),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 303
    assert Submission.objects.count() == 1


def test_filled_honeypot_stores_nothing_and_says_why(client, form_page):
    response = client.post(form_page.url, answers(form_page, website="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "hidden field meant for spam robots was filled in" in html
    assert "Pavements are broken</textarea>" in html
    assert 'name="website" id="id_website" value=""' in html
    assert_nothing_stored()


def test_rate_limit_refuses_with_429_and_keeps_answers(client, form_page, settings):
    settings.ENGAGEMENT_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post(form_page.url, answers(form_page)).status_code == 303
    response = client.post(form_page.url, answers(form_page))
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "a lot of answers from your connection to this form" in html
    assert "Please wait about" in html
    assert "Pavements are broken</textarea>" in html
    assert Submission.objects.count() == 3
    # Another form has its own allowance.
    other = PlaceStandardFormPageFactory()
    assert client.post(other.url, answers(other)).status_code == 303


def test_rate_limit_counts_by_client_address(client, form_page, settings):
    settings.ENGAGEMENT_RATE_LIMIT = 1
    assert client.post(form_page.url, answers(form_page), REMOTE_ADDR="10.0.0.1").status_code == 303
    assert client.post(form_page.url, answers(form_page), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post(form_page.url, answers(form_page), REMOTE_ADDR="10.0.0.2").status_code == 303
    # Without a trusted proxy, a forged X-Forwarded-For changes nothing.
    forged = client.post(
        form_page.url, answers(form_page), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert forged.status_code == 429


def test_failure_while_storing_leaves_nothing_partial(client, form_page, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(FollowUpContact.objects, "create", explode)
    data = answers(form_page, follow_up_email="a@example.org", follow_up_consent="on")
    with pytest.raises(RuntimeError):
        client.post(form_page.url, data)
    assert_nothing_stored()


def test_form_with_errors_is_valid_html(client, form_page):
    PlaceStandardFormFieldFactory(
        page=form_page,
        label="How did you hear about this?",
        field_type="radio",
        choices="Leaflet\nSocial media\nA friend",
        required=True,
    )
    PlaceStandardFormFieldFactory(page=form_page, label="Anything else?", field_type="multiline")
    data = answers(
        form_page,
        moving_around="9",
        natural_space_comment="x" * 1001,
        follow_up_email="not-an-email",
        postcode_district="HD1 2AB",
    )
    response = client.post(form_page.url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html
    assert html.count('class="error-message"') >= 5
    assert_valid_html(html)
    assert_valid_html(client.get(form_page.url).content.decode())
