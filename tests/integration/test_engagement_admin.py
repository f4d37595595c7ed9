"""Staff entry of paper, phone and group responses; the responses listing and its exports."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from engagement.models import FollowUpContact, Submission
from tests.factories.engagement import PlaceStandardFormPageFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

INDEX_URL = "/admin/engagement/submission/"


@pytest.fixture
def form_page(home_page):
    return PlaceStandardFormPageFactory()


def staff_user(django_user_model, *codenames):
    user = django_user_model.objects.create_user(
        username=f"officer-{'-'.join(codenames) or 'none'}", password="pw", is_staff=True
    )
    group = Group.objects.create(name=f"group for {user.username}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="engagement", codename__in=codenames),
    )
    user.groups.add(group)
    return user


def assert_refused(response):
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert (
            response["Location"] in ("/admin/", "/admin/login/") or "login" in response["Location"]
        )


def test_officer_enters_a_group_session(client, django_user_model, form_page):
    officer = staff_user(django_user_model, "add_submission")
    client.force_login(officer)
    url = reverse("engagement_enter_response", args=[form_page.pk])
    assert client.get(reverse("engagement_enter_index")).status_code == 200
    response = client.post(
        url,
        {
            "channel": "group",
            "participants": "12",
            "received_on": "2026-01-15",
            "tool_version": "young-people",
            "moving_around": "3",
            "moving_around_comment": "Agreed: the bus station is hard to reach",
            "feeling_safe": "6",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.channel, submission.participants, submission.tool_version) == (
        "group",
        12,
        "young-people",
    )
    assert submission.entered_by == officer
    assert submission.created_at.date() == datetime.date(2026, 1, 15)
    assert sorted(submission.scores.values_list("theme", "score")) == [
        ("feeling_safe", 6),
        ("moving_around", 3),
    ]


def test_paper_response_cannot_have_many_participants(admin_client, form_page):
    url = reverse("engagement_enter_response", args=[form_page.pk])
    response = admin_client.post(
        url,
        {
            "channel": "paper",
            "participants": "3",
            "tool_version": "standard-2015",
            "natural_space": "8",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only a group session can have more than 1 person" in html
    assert "Choose a score from 1 to 7 for natural space" in html
    assert Submission.objects.count() == 0


def test_staff_entry_needs_the_permission(client, django_user_model, form_page):
    client.force_login(staff_user(django_user_model, "view_submission"))
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard.
    assert_refused(client.get(reverse("engagement_enter_index")))
    url = reverse("engagement_enter_response", args=[form_page.pk])
    assert_refused(client.post(url, {"channel": "paper", "moving_around": "3"}))
    assert Submission.objects.count() == 0


def test_listing_shows_comments_as_text_and_filters(admin_client, form_page):
    SubmissionFactory(
        form_page=form_page,
        scores={"moving_around": (2, "<script>alert(1)</script> <b>bold</b>")},
    )
    SubmissionFactory(form_page=form_page, channel="paper", scores={"feeling_safe": (5, "Fine")})
    response = admin_client.get(INDEX_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    scripted = Submission.objects.get(channel="online")
    inspect = admin_client.get(f"{INDEX_URL}inspect/{scripted.pk}/").content.decode()
    assert "Comment: &lt;script&gt;alert(1)&lt;/script&gt;" in inspect
    assert "<script>alert(1)</script>" not in inspect
    # Filter by channel, search comments.
    paper = admin_client.get(INDEX_URL, {"channel__exact": "paper"})
    assert list(paper.context["object_list"]) == [Submission.objects.get(channel="paper")]
    found = admin_client.get(INDEX_URL, {"q": "alert"})
    assert [s.channel for s in found.context["object_list"]] == ["online"]
    by_form = admin_client.get(INDEX_URL, {"form_page__page_ptr__exact": form_page.pk})
    assert len(by_form.context["object_list"]) == 2


def test_listing_needs_the_view_permission(client, django_user_model, form_page):
    SubmissionFactory(form_page=form_page)
    client.force_login(staff_user(django_user_model))
    assert_refused(client.get(INDEX_URL))
    client.force_login(staff_user(django_user_model, "view_submission"))
    assert client.get(INDEX_URL).status_code == 200
    # Viewing is not exporting.
    assert_refused(client.get(INDEX_URL, {"export": "csv"}))


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx"])
def test_exports_neutralise_formulas(client, django_user_model, form_page, dangerous):
    SubmissionFactory(form_page=form_page, scores={"moving_around": (2, dangerous)})
    client.force_login(staff_user(django_user_model, "view_submission", "export_submission"))

    response = client.get(INDEX_URL, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["Moving around: comment"] == "'" + dangerous
    assert rows[0]["Moving around: score"] == "2"
    assert rows[0]["Public transport: score"] == ""

    response = client.get(INDEX_URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    column = headings.index("Moving around: comment")
    cell = sheet[2][column]
    assert cell.value == "'" + dangerous
    assert cell.data_type == "s"


def test_form_page_submissions_link_goes_to_the_guarded_listing(admin_client, form_page):
    response = admin_client.get(f"/admin/forms/submissions/{form_page.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(INDEX_URL)


def test_notification_address_is_for_superusers_only(client, django_user_model, form_page):
    editor = django_user_model.objects.create_user(username="editor", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    html = client.get(f"/admin/pages/{form_page.pk}/edit/").content.decode()
    assert 'name="intro"' in html
    assert 'name="to_address"' not in html
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    assert 'name="to_address"' in client.get(f"/admin/pages/{form_page.pk}/edit/").content.decode()


def test_expired_follow_up_contacts_are_deleted(form_page):
    today = timezone.localdate()
    FollowUpContact.objects.create(
        form_page=form_page,
        email="old@example.org",
        consent_version="follow-up-2025-1",
        delete_after=today - datetime.timedelta(days=1),
    )
    FollowUpContact.objects.create(
        form_page=form_page,
        email="new@example.org",
        consent_version="follow-up-2025-1",
    )
    out = io.StringIO()
    call_command("delete_expired_follow_up_contacts", stdout=out)
    assert list(FollowUpContact.objects.values_list("email", flat=True)) == ["new@example.org"]
    assert "Deleted 1 expired follow-up contacts." in out.getvalue()
