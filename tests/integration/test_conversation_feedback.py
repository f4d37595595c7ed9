"""'Was this page helpful?': what it stores, errors, rate limit, the staff report and export."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from engagement.conversation.models import PageFeedback
from tests.factories.home import StandardPageFactory

pytestmark = pytest.mark.django_db

FEEDBACK = "/feedback/"


@pytest.fixture
def page(home_page):
    return StandardPageFactory(title="Council tax help")


def test_the_widget_is_on_every_page_and_works_without_javascript(client, page, home_page):
    for url in (page.url, home_page.url):
        html = client.get(url).content.decode()
        assert "Was this page helpful?" in html
        assert f'<form class="helpful__form" method="post" action="{FEEDBACK}">' in html
        assert f'name="page" value="{client.get(url).context["page"].pk}"' in html
        assert "Do not include personal details" in html
        assert "<script" not in html


def test_model_stores_only_page_answer_comment_and_time():
    names = {field.name for field in PageFeedback._meta.get_fields()}
    assert names == {"id", "page", "helpful", "comment", "created_at"}


def test_an_answer_is_stored_with_nothing_else_and_thanked(client, page):
    response = client.post(
        FEEDBACK,
        {"page": page.pk, "helpful": "no", "comment": " Needs the phone number. ", "extra": "x"},
        HTTP_USER_AGENT="Example browser",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Thank you for your feedback" in thanks.content.decode()
    assert page.url in thanks.content.decode()
    row = PageFeedback.objects.values().get()
    assert set(row) == {"id", "page_id", "helpful", "comment", "created_at"}
    assert row["page_id"] == page.pk
    assert row["helpful"] is False
    assert row["comment"] == "Needs the phone number."
    assert "198.51.100.7" not in str(row) and "Example browser" not in str(row)


def test_no_answer_shows_an_error_and_stores_nothing(client, page):
    response = client.post(FEEDBACK, {"page": page.pk, "comment": "hello"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count("Choose yes or no") == 2
    assert "hello" in html
    assert not PageFeedback.objects.exists()


def test_unknown_or_unpublished_pages_are_refused(client, page):
    assert client.post(FEEDBACK, {"page": "999999", "helpful": "yes"}).status_code == 404
    page.unpublish()
    assert client.post(FEEDBACK, {"page": page.pk, "helpful": "yes"}).status_code == 404
    assert not PageFeedback.objects.exists()


def test_a_burst_over_the_rate_limit_is_refused(client, page, settings):
    settings.CONVERSATION_FEEDBACK_RATE_LIMIT = (3, 600)
    codes = [
        client.post(FEEDBACK, {"page": page.pk, "helpful": "yes"}).status_code for _ in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert PageFeedback.objects.count() == 3
    refused = client.post(FEEDBACK, {"page": page.pk, "helpful": "yes"})
    assert "we have not saved this" in refused.content.decode()
    # Someone else is not affected.
    other = client.post(FEEDBACK, {"page": page.pk, "helpful": "yes"}, REMOTE_ADDR="203.0.113.5")
    assert other.status_code == 302


def test_the_report_shows_responses_and_share_of_yes_per_page(admin_client, page, home_page):
    for helpful in (True, True, True, False):
        PageFeedback.objects.create(page=page, helpful=helpful)
    PageFeedback.objects.create(page=home_page, helpful=False, comment="Too long")
    response = admin_client.get(reverse("conversation_feedback_report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Council tax help" in html
    assert "75%" in html
    export = admin_client.get(reverse("conversation_feedback_report") + "?export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0] == ["Page", "Page path", "Responses", "Yes", "No", "Share of yes"]
    assert rows[1][0] == "Council tax help"
    assert rows[1][2:] == ["4", "3", "1", "75%"]


def test_comment_export_neutralises_spreadsheet_formulas(admin_client, page):
    PageFeedback.objects.create(page=page, helpful=False, comment="=HYPERLINK(1)")
    PageFeedback.objects.create(page=page, helpful=True, comment="Fine")
    url = reverse("conversation_feedback_comments") + f"?page={page.pk}"
    html = admin_client.get(url).content.decode()
    assert "=HYPERLINK(1)" in html and "Fine" in html
    answers = re.findall(r"<td[^>]*>\s*(Yes|No)\s*</td>", html)
    assert sorted(answers) == ["No", "Yes"]  # the Helpful? column on screen
    export = admin_client.get(url + "&export=csv")
    text = b"".join(export.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    xlsx = admin_client.get(url + "&export=xlsx")
    assert xlsx.status_code == 200


@pytest.mark.parametrize("value", ["\u00b2", "-1", "9" * 20, "1e3", "\u0661"])
def test_comment_filter_ignores_a_page_that_is_not_an_id(admin_client, page, value):
    PageFeedback.objects.create(page=page, helpful=False, comment="Still listed")
    url = reverse("conversation_feedback_comments")
    response = admin_client.get(url, {"page": value})
    assert response.status_code in (200, 404)  # Wagtail's paginator may refuse it; never a 500


def test_the_report_needs_the_permission(client, page, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("conversation_feedback_report")).status_code in (302, 403)
    group = Group.objects.create(name="Insight")
    group.permissions.add(Permission.objects.get(codename="view_pagefeedback"))
    user.groups.add(group)
    assert client.get(reverse("conversation_feedback_report")).status_code == 200
