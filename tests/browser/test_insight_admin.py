"""Issue 4, done-when 2 (admin part): the moderation screen passes axe-core in Chromium.

A moderator (staff, with only the moderation permission) opens the screen
with comments waiting, makes a redaction that is not one (the error summary
and the field error show, with what was typed kept), then approves it
properly. axe runs with comments listed and with the error showing.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from engagement.models import Moderation, ModerationDecision, ThemeScore
from tests.browser.test_engagement_journey import admin_login
from tests.factories.engagement import PlaceStandardFormPageFactory, SubmissionFactory
from tests.helpers.accessibility import assert_no_axe_violations
from tests.helpers.servers import ensure_default_locale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "Lovely park but <b>Dave at number 4</b> lets his dog foul it"
REDACTED = "Lovely park but [redacted] lets his dog foul it"


@pytest.fixture(autouse=True)
def _default_locale(transactional_db):
    ensure_default_locale()


def make_moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="moderator", password="correct horse", is_staff=True
    )
    group = Group.objects.create(name="Place Standard comment moderators")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(
            content_type__app_label="engagement", codename="moderate_themescore"
        ),
    )
    user.groups.add(group)
    return user


def test_moderation_screen_is_accessible_with_comments_and_errors(
    browser_page, live_server, home_page, django_user_model
):
    form_page = PlaceStandardFormPageFactory(title="How good is Marsden?")
    submission = SubmissionFactory(
        form_page=form_page,
        scores={"natural_space": (6, ORIGINAL), "feeling_safe": (None, "Dark by the canal")},
    )
    comment = ThemeScore.objects.get(submission=submission, theme="natural_space")
    page = browser_page
    admin_login(page, live_server, make_moderator(django_user_model))

    page.goto(f"{live_server.url}/admin/engagement/moderate/")
    expect(page.get_by_role("heading", name="Moderate comments", level=1)).to_be_attached()
    section = page.locator(f"section[aria-labelledby='c{comment.pk}-heading']")
    expect(section.locator("blockquote")).to_have_text(ORIGINAL)  # escaped: tags show as text
    assert_no_axe_violations(page)

    # A "redaction" that changes the words: refused, with the typed text kept.
    typed = "Lovely park, no problems [redacted]"
    section.get_by_role("group", name="Decision").get_by_label("Approve with redaction").check()
    section.get_by_label("Text to publish").fill(typed)
    section.get_by_role("button", name=re.compile("^Save decision")).click()
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator("#error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    section = page.locator(f"section[aria-labelledby='c{comment.pk}-heading']")
    expect(section.get_by_label("Text to publish")).to_have_value(typed)
    expect(section.get_by_label("Approve with redaction")).to_be_checked()
    expect(section.locator(".error-message")).to_contain_text("Replace the parts to hide")
    summary.get_by_role("link").click()
    expect(section.get_by_label("Text to publish")).to_be_focused()
    comment.refresh_from_db()
    assert comment.moderation == Moderation.PENDING
    assert_no_axe_violations(page)

    # Done properly.
    section.get_by_label("Text to publish").fill(REDACTED)
    section.get_by_role("button", name=re.compile("^Save decision")).click()
    expect(page.locator(".messages")).to_contain_text("approved with redaction")
    comment.refresh_from_db()
    assert (comment.moderation, comment.public_comment) == (Moderation.APPROVED, REDACTED)
    assert ModerationDecision.objects.get(comment=comment).decided_by_name == "moderator"
    expect(page.locator("blockquote", has_text="Dark by the canal")).to_be_visible()
    expect(page.locator("blockquote", has_text="lets his dog")).to_have_count(0)
    assert_no_axe_violations(page)

    # The decision history of a moderated comment.
    page.goto(f"{live_server.url}/admin/engagement/moderate/?status=approved")
    expect(page.get_by_role("table", name="Decisions on this comment")).to_contain_text("moderator")
    assert_no_axe_violations(page)
