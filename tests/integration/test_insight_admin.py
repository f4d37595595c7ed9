"""Issue 4, admin side: the insight snippet, moderation, the dashboard panel and the report."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.test.utils.form_data import rich_text

from engagement.insight_models import HighlightedComment, ModerationDecision
from engagement.models import Moderation, Submission, ThemeScore
from engagement.moderation import moderate
from tests.factories.engagement import (
    PlaceInsightFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

MODERATE_URL = "/admin/engagement/moderate/"
REPORT_URL = "/admin/reports/place-standard-results/"
ORIGINAL = "The bins on Mill Lane at number 12 are never emptied, ask John Smith"
REDACTED = "The bins on Mill Lane at [redacted] are never emptied, ask [redacted]"


@pytest.fixture
def form_page(home_page):
    return PlaceStandardFormPageFactory(title="How good is Golcar?")


def staff_user(django_user_model, name, *codenames):
    user = django_user_model.objects.create_user(username=name, password="pw", is_staff=True)
    group = Group.objects.create(name=f"group for {name}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="engagement", codename__in=codenames),
    )
    user.groups.add(group)
    return user


@pytest.fixture
def moderator(django_user_model):
    return staff_user(django_user_model, "moderator", "moderate_themescore")


def comment_on(form_page, text=ORIGINAL, theme="moving_around", score=3, **kwargs):
    submission = SubmissionFactory(form_page=form_page, scores={theme: (score, text)}, **kwargs)
    return ThemeScore.objects.get(submission=submission, theme=theme)


def decide(client, comment, decision, text=None, query=""):
    data = {"comment": comment.pk, f"c{comment.pk}-decision": decision}
    data[f"c{comment.pk}-redacted_text"] = comment.comment if text is None else text
    return client.post(MODERATE_URL + query, data)


# --- Permissions and menus ---------------------------------------------------------


def test_moderation_and_report_refuse_staff_without_permission(
    client, django_user_model, form_page
):
    comment = comment_on(form_page)
    client.force_login(staff_user(django_user_model, "officer"))
    assert client.get(MODERATE_URL).status_code == 403
    assert decide(client, comment, "approved").status_code == 403
    assert client.get(REPORT_URL).status_code == 403
    assert client.get(REPORT_URL + "?export=csv").status_code == 403
    comment.refresh_from_db()
    assert comment.moderation == Moderation.PENDING
    assert not ModerationDecision.objects.exists()


def test_menu_items_show_only_with_permission(client, django_user_model):
    client.force_login(staff_user(django_user_model, "officer"))
    dashboard = client.get("/admin/").content.decode()
    assert "Moderate comments" not in dashboard
    assert "Place Standard results" not in dashboard

    client.force_login(
        staff_user(django_user_model, "lead", "moderate_themescore", "view_submission")
    )
    dashboard = client.get("/admin/").content.decode()
    assert "Moderate comments" in dashboard
    assert "Place Standard results" in dashboard
    assert reverse("engagement_moderate_comments") in dashboard
    assert reverse("engagement_results_report") in dashboard


# --- Moderation ----------------------------------------------------------------------


def test_listing_shows_waiting_comments_oldest_first_escaped(client, moderator, form_page):
    now = timezone.now()
    newer = comment_on(form_page, "Newer <script>alert(1)</script>", created_at=now)
    older = comment_on(
        form_page,
        "Older comment",
        theme="feeling_safe",
        created_at=now - datetime.timedelta(days=2),
    )
    comment_on(form_page, "Spam comment", status="spam")
    client.force_login(moderator)
    response = client.get(MODERATE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Older comment") < html.index("Newer &lt;script&gt;")
    assert "<script>alert(1)</script>" not in html
    assert "Spam comment" not in html
    assert "2 comments, oldest first" in html
    assert f"{form_page.place.title}, round 1: Feeling safe" in html
    assert "<legend" in html and "Approve with redaction" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert older.pk and newer.pk


def test_approve(client, moderator, form_page):
    comment = comment_on(form_page)
    client.force_login(moderator)
    before = timezone.now()
    response = decide(client, comment, "approved")
    assert response.status_code == 302
    assert response["Location"] == MODERATE_URL
    comment.refresh_from_db()
    assert (comment.moderation, comment.public_comment) == (Moderation.APPROVED, ORIGINAL)
    decision = ModerationDecision.objects.get(comment=comment)
    assert decision.decision == "approved"
    assert decision.decided_by == moderator
    assert decision.decided_by_name == "moderator"
    assert decision.decided_at >= before
    assert "approved" in client.get(MODERATE_URL).content.decode().lower()


def test_approve_with_redaction(client, moderator, form_page):
    comment = comment_on(form_page)
    client.force_login(moderator)
    assert decide(client, comment, "redacted", REDACTED).status_code == 302
    comment.refresh_from_db()
    assert comment.moderation == Moderation.APPROVED
    assert comment.public_comment == REDACTED
    assert comment.comment == ORIGINAL
    decision = ModerationDecision.objects.get(comment=comment)
    assert (decision.decision, decision.public_text, decision.decided_by) == (
        "redacted",
        REDACTED,
        moderator,
    )


def test_reject_removes_highlight(client, moderator, form_page):
    comment = comment_on(form_page)
    moderate(comment, "approved", moderator)
    insight = PlaceInsightFactory(place=form_page.place)
    HighlightedComment.objects.create(insight=insight, comment=comment)
    client.force_login(moderator)
    response = decide(client, comment, "rejected", query="?status=approved")
    assert response.status_code == 302
    assert response["Location"] == MODERATE_URL + "?status=approved"
    comment.refresh_from_db()
    assert (comment.moderation, comment.public_comment) == (Moderation.REJECTED, "")
    assert not HighlightedComment.objects.exists()
    assert list(
        ModerationDecision.objects.filter(comment=comment).values_list("decision", flat=True)
    ) == ["rejected", "approved"]
    # The history shows both decisions, with who made them.
    html = client.get(MODERATE_URL + "?status=rejected").content.decode()
    assert "Decisions on this comment" in html
    assert html.count("<td>moderator</td>") == 2
    assert "Approved" in html and "Rejected" in html


def test_invalid_redaction_keeps_text_and_changes_nothing(client, moderator, form_page):
    comment = comment_on(form_page)
    other = comment_on(form_page, "Another comment", theme="feeling_safe")
    client.force_login(moderator)
    typed = "The bins are fine actually [redacted]"
    response = decide(client, comment, "redacted", typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Moderate comments" in html
    assert "There is a problem" in html
    field_id = f"id_c{comment.pk}-redacted_text"
    assert f'href="#{field_id}"' in html
    assert f'id="c{comment.pk}-redacted_text-error"' in html
    assert f'aria-describedby="c{comment.pk}-text-hint c{comment.pk}-redacted_text-error"' in html
    assert typed in html
    # The chosen radio stays chosen; the other comment's form is untouched.
    assert re.search(rf'value="redacted"[^>]*id="id_c{comment.pk}-decision_1"[^>]*checked', html)
    assert not re.search(rf'id="id_c{other.pk}-decision_\d"[^>]*checked', html)
    assert "Another comment" in html
    comment.refresh_from_db()
    assert (comment.moderation, comment.public_comment) == (Moderation.PENDING, "")
    assert not ModerationDecision.objects.exists()
    assert ThemeScore.objects.get(pk=other.pk).moderation == Moderation.PENDING


def test_missing_decision_is_an_error(client, moderator, form_page):
    comment = comment_on(form_page)
    client.force_login(moderator)
    response = client.post(MODERATE_URL, {"comment": comment.pk})
    assert response.status_code == 400
    assert "Choose approve, approve with redaction or reject." in response.content.decode()
    assert f'href="#id_c{comment.pk}-decision_0"' in response.content.decode()
    assert not ModerationDecision.objects.exists()


def test_filters_by_place_and_status(client, moderator, form_page):
    other_form = PlaceStandardFormPageFactory()
    here = comment_on(form_page, "Comment from here")
    comment_on(other_form, "Comment from elsewhere")
    approved = comment_on(form_page, "Approved one", theme="feeling_safe")
    moderate(approved, "approved", moderator)
    client.force_login(moderator)
    html = client.get(MODERATE_URL, {"place": form_page.place_id}).content.decode()
    assert "Comment from here" in html
    assert "Comment from elsewhere" not in html
    assert "Approved one" not in html
    html = client.get(MODERATE_URL, {"status": "approved"}).content.decode()
    assert "Approved one" in html and "Comment from here" not in html
    assert here.moderation == Moderation.PENDING


def test_paginated_by_25(client, moderator, form_page):
    for number in range(27):
        comment_on(form_page, f"Numbered comment {number:02d}.")
    client.force_login(moderator)
    first = client.get(MODERATE_URL).content.decode()
    assert first.count("<blockquote>Numbered comment") == 25
    assert "Page 1 of 2" in first
    second = client.get(MODERATE_URL, {"page": 2}).content.decode()
    assert second.count("<blockquote>Numbered comment") == 2


def test_listing_query_count_is_bounded(
    client, moderator, form_page, django_assert_max_num_queries
):
    for number in range(5):
        moderate(comment_on(form_page, f"Comment {number}"), "approved", moderator)
    client.force_login(moderator)
    url = MODERATE_URL + "?status=approved"
    client.get(url)  # warm caches (site, permissions)
    from tests.helpers.queries import count_queries

    small = count_queries(lambda: client.get(url))
    for number in range(25):
        moderate(comment_on(form_page, f"More {number}"), "approved", moderator)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count("Decisions on this comment") == 25


# --- Dashboard -----------------------------------------------------------------------


def test_dashboard_panel_counts(client, django_user_model, form_page):
    other = PlaceStandardFormPageFactory(title="How good is Slaithwaite?")
    for _ in range(3):
        SubmissionFactory(form_page=form_page)
    SubmissionFactory(form_page=other)
    SubmissionFactory(form_page=other, status="spam")
    SubmissionFactory(form_page=other, created_at=timezone.now() - datetime.timedelta(days=8))
    comment_on(form_page)
    comment_on(form_page, "Second", theme="feeling_safe")

    client.force_login(
        staff_user(django_user_model, "lead", "moderate_themescore", "view_submission")
    )
    html = client.get("/admin/").content.decode()
    assert "2 comments are waiting for moderation" in html
    assert f'<a href="{MODERATE_URL}">Moderate comments</a>' in html
    assert "<tr><td>How good is Golcar?</td><td>5</td></tr>" in html
    assert "<tr><td>How good is Slaithwaite?</td><td>1</td></tr>" in html

    client.force_login(staff_user(django_user_model, "reader", "view_submission"))
    html = client.get("/admin/").content.decode()
    assert "How good is Golcar?" in html
    assert "waiting for moderation" not in html

    client.force_login(staff_user(django_user_model, "nobody"))
    html = client.get("/admin/").content.decode()
    assert "How good is Golcar?" not in html
    assert "waiting for moderation" not in html


# --- Report --------------------------------------------------------------------------


def make_results(form_page, scores):
    for score in scores:
        SubmissionFactory(form_page=form_page, scores={"moving_around": (score, "")})


@pytest.fixture
def reader(django_user_model):
    return staff_user(django_user_model, "reader", "view_submission")


def test_report_rows_and_csv_match_tallies(client, reader, form_page, settings):
    settings.INSIGHT_MIN_RESPONSES = 5
    make_results(form_page, [1, 2, 2, 5, 7, 7])  # mean 4.00, shown
    small = PlaceStandardFormPageFactory(title="Small place form")
    make_results(small, [3, 4])  # 4 responses in all: under the minimum
    for _ in range(2):
        SubmissionFactory(form_page=small, scores={"feeling_safe": (6, "")})
    PlaceInsightFactory(place=form_page.place, round_number=1)
    client.force_login(reader)

    html = client.get(REPORT_URL).content.decode()
    assert form_page.place.title in html and small.place.title in html
    assert "4.00" in html
    assert "3.50 (under minimum)" in html

    response = client.get(REPORT_URL + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_place = {row["Place"]: row for row in rows}
    big = by_place[form_page.place.title]
    assert big["Round"] == "1"
    assert big["Published"] == "yes"
    assert big["Responses"] == "6"
    assert big["Participants"] == "6"
    assert big["Shown publicly"] == "yes"
    assert big["Moving around (mean)"] == "4.00"
    assert big["Feeling safe (mean)"] == ""
    assert "Feeling safe" in big["Themes under the minimum"]
    assert "Moving around" not in big["Themes under the minimum"]
    little = by_place[small.place.title]
    assert little["Published"] == "no"
    assert little["Responses"] == "4"
    assert little["Shown publicly"].startswith("no")
    assert little["Moving around (mean)"] == "3.50"
    assert little["Feeling safe (mean)"] == "6.00"
    assert "Moving around" in little["Themes under the minimum"]


def test_report_xlsx_has_numbers_and_neutralises_formulas(client, reader, home_page):
    from tests.factories.places import PlacePageFactory

    place = PlacePageFactory(title='=HYPERLINK("http://x")')
    form_page = PlaceStandardFormPageFactory(parent=place, place=place)
    make_results(form_page, [2, 3])
    client.force_login(reader)
    response = client.get(REPORT_URL + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Place"
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    headings = list(rows[0])
    assert Decimal(str(rows[1][headings.index("Moving around (mean)")])) == Decimal("2.5")

    csv_text = b"".join(client.get(REPORT_URL + "?export=csv").streaming_content).decode()
    assert "'=HYPERLINK" in csv_text


# --- The snippet ---------------------------------------------------------------------


def test_snippet_edit_shows_figures_and_offers_only_approved_comments_of_the_round(
    admin_client, admin_user, form_page
):
    make_results(form_page, [4, 4, 5, 6, 6])
    approved = comment_on(form_page, "Approved here")
    moderate(approved, "approved", admin_user)
    pending = comment_on(form_page, "Pending here", theme="feeling_safe")
    rejected = comment_on(form_page, "Rejected here", theme="natural_space")
    moderate(rejected, "rejected", admin_user)
    elsewhere = comment_on(PlaceStandardFormPageFactory(), "Approved elsewhere")
    moderate(elsewhere, "approved", admin_user)
    round_two_form = PlaceStandardFormPageFactory(
        parent=form_page.get_parent(), place=form_page.place, round_number=2
    )
    round_two = comment_on(round_two_form, "Approved in round two")
    moderate(round_two, "approved", admin_user)
    insight = PlaceInsightFactory(place=form_page.place, round_number=1, live=False)

    response = admin_client.get(
        reverse("wagtailsnippets_engagement_placeinsight:edit", args=[insight.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This round&#x27;s figures (staff view)" in html or "This round's figures" in html
    assert "<svg" in html and 'role="img"' in html
    assert f"Compass for {form_page.place.title}, example round" in html
    assert "Moving around" in html
    assert "Responses: 8." in html  # 5 scored plus 3 with comments

    form = response.context["form"]
    formset = form.formsets["highlights"]
    offered = set(formset.empty_form.fields["comment"].queryset)
    assert offered == {approved}
    assert pending not in offered and rejected not in offered
    assert elsewhere not in offered and round_two not in offered


def test_an_insight_editor_who_may_not_read_responses_sees_no_live_figures(
    client, django_user_model, form_page
):
    """Live figures include cells under the minimum: writing the summary does not reveal them."""
    make_results(form_page, [4, 4, 5, 6])  # under the minimum: never published
    insight = PlaceInsightFactory(place=form_page.place, round_number=1, live=False)
    writer = staff_user(django_user_model, "writer", "view_placeinsight", "change_placeinsight")
    client.force_login(writer)
    url = reverse("wagtailsnippets_engagement_placeinsight:edit", args=[insight.pk])

    html = client.get(url).content.decode()
    assert "only to staff who may read Place Standard responses" in html
    assert "Responses: 4." not in html and "Compass for" not in html

    writer.groups.first().permissions.add(
        Permission.objects.get(content_type__app_label="engagement", codename="view_submission")
    )
    writer = django_user_model.objects.get(pk=writer.pk)  # forget cached permissions
    client.force_login(writer)
    assert "Responses: 4." in client.get(url).content.decode()


def test_snippet_refuses_a_highlight_from_another_round(admin_client, admin_user, form_page):
    elsewhere = comment_on(PlaceStandardFormPageFactory(), "Approved elsewhere")
    moderate(elsewhere, "approved", admin_user)
    insight = PlaceInsightFactory(place=form_page.place, round_number=1, live=False)
    url = reverse("wagtailsnippets_engagement_placeinsight:edit", args=[insight.pk])
    data = {
        "place": form_page.place_id,
        "round_number": 1,
        "round_label": "Example round",
        "what_we_heard": rich_text("<p>Summary</p>"),
        "actions-TOTAL_FORMS": 0,
        "actions-INITIAL_FORMS": 0,
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 1000,
        "highlights-TOTAL_FORMS": 1,
        "highlights-INITIAL_FORMS": 0,
        "highlights-MIN_NUM_FORMS": 0,
        "highlights-MAX_NUM_FORMS": 1000,
        "highlights-0-comment": elsewhere.pk,
        "highlights-0-ORDER": 1,
        "highlights-0-DELETE": "",
        "highlights-0-id": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not HighlightedComment.objects.exists()
    assert response.context["form"].formsets["highlights"].forms[0].errors["comment"]


def test_snippet_listing_shows_place_round_and_status(admin_client, form_page):
    PlaceInsightFactory(place=form_page.place, round_number=1, round_label="Spring 2026")
    PlaceInsightFactory(place=form_page.place, round_number=2, round_label="Autumn", live=False)
    html = admin_client.get(reverse("wagtailsnippets_engagement_placeinsight:list")).content
    html = html.decode()
    assert form_page.place.title in html
    assert "Spring 2026" in html and "Autumn" in html
    assert "Draft" in html or "draft" in html
    filtered = admin_client.get(
        reverse("wagtailsnippets_engagement_placeinsight:list"), {"live": "false"}
    ).content.decode()
    assert "Autumn" in filtered and "Spring 2026" not in filtered
    assert Submission.objects.count() == 0


def test_snippet_add_page_asks_for_place_before_figures(admin_client, home_page):
    response = admin_client.get(reverse("wagtailsnippets_engagement_placeinsight:add"))
    assert response.status_code == 200
    assert "Choose the place and round and save" in response.content.decode()
    empty = response.context["form"].formsets["highlights"].empty_form
    assert not empty.fields["comment"].queryset.exists()


def test_moderation_post_needs_csrf_token(moderator, form_page):
    from django.test import Client

    comment = comment_on(form_page)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert decide(client, comment, "approved").status_code == 403
    comment.refresh_from_db()
    assert comment.moderation == Moderation.PENDING
