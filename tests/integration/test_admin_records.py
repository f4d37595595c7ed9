"""Record listings with personal data: the follow-up contacts listing, the staff groups,
searching and exporting without the personal data permission, and the export log."""

import csv
import io
import logging

import pytest
from django.contrib.auth.models import Group, Permission

from engagement.models import FollowUpContact
from home.permissions import PERSONAL_DATA_PERMISSION
from tests.factories.conversation import SubscriptionFactory
from tests.factories.engagement import PlaceStandardFormPageFactory

pytestmark = pytest.mark.django_db

FOLLOW_UPS = "/admin/engagement/followupcontact/"
SUBSCRIBERS = "/admin/conversation/subscriber/"


def staff(django_user_model, *perms, group=None):
    user = django_user_model.objects.create_user(f"staff-{len(perms)}-{group}", password="pw")
    if group:
        user.groups.add(Group.objects.get(name=group))
    user.user_permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in (p.split(".") for p in ("wagtailadmin.access_admin", *perms))
        ]
    )
    return user


def follow_up(form_page, email):
    return FollowUpContact.objects.create(
        form_page=form_page, email=email, consent_version="follow-up-2025-1"
    )


def test_follow_up_listing_renders_with_contacts(client, django_user_model, home_page):
    form_page = PlaceStandardFormPageFactory(title="How good is Example Town?")
    contacts = [follow_up(form_page, f"person{n}@example.org") for n in range(3)]
    client.force_login(staff(django_user_model, group="Follow-up officers"))

    response = client.get(FOLLOW_UPS)
    assert response.status_code == 200
    html = response.content.decode()
    assert all(contact.email in html for contact in contacts)
    assert "How good is Example Town?" in html
    inspect = client.get(f"{FOLLOW_UPS}inspect/{contacts[0].pk}/")
    assert inspect.status_code == 200
    assert "person0@example.org" in inspect.content.decode()


def test_without_personal_data_permission_a_viewer_sees_records_but_not_addresses(
    client, django_user_model, home_page
):
    contact = follow_up(PlaceStandardFormPageFactory(), "hidden.person@example.org")
    client.force_login(staff(django_user_model, "engagement.view_followupcontact"))

    listing = client.get(FOLLOW_UPS)
    assert listing.status_code == 200
    assert str(contact) in listing.content.decode()
    assert b"hidden.person" not in listing.content
    inspect = client.get(f"{FOLLOW_UPS}inspect/{contact.pk}/")
    assert inspect.status_code == 200
    assert b"hidden.person" not in inspect.content
    assert b"Hidden: needs the personal data permission" in inspect.content
    # Searching by address must not tell whether someone is on the list.
    found, not_found = (
        str(contact) in client.get(FOLLOW_UPS, {"q": query}).content.decode()
        for query in ("hidden.person@example.org", "nobody@example.org")
    )
    assert found == not_found


def test_history_needs_the_models_permission(client, django_user_model, home_page):
    contact = follow_up(PlaceStandardFormPageFactory(), "history.person@example.org")
    client.force_login(staff(django_user_model))
    for url in (f"{FOLLOW_UPS}history/{contact.pk}/", f"{FOLLOW_UPS}inspect/{contact.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"history.person" not in response.content


def test_exports_leave_out_personal_data_without_the_permission_and_are_logged(
    client, django_user_model, home_page, caplog
):
    subscription = SubscriptionFactory()
    subscription.subscriber.email = "export.person@example.org"
    subscription.subscriber.save()
    exporter = staff(
        django_user_model, "conversation.view_subscriber", "conversation.export_subscriber"
    )
    client.force_login(exporter)
    with caplog.at_level(logging.INFO, logger="home.exports"):
        response = client.get(SUBSCRIBERS, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "Email" not in rows[0]
    assert "export.person" not in repr(rows)
    assert len(rows) == 2
    assert "exported 1 subscribers as csv" in caplog.text
    assert "with personal data" not in caplog.text

    exporter.user_permissions.add(
        Permission.objects.get(codename=PERSONAL_DATA_PERMISSION.split(".")[1])
    )
    client.force_login(type(exporter).objects.get(pk=exporter.pk))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="home.exports"):
        response = client.get(SUBSCRIBERS, {"export": "csv"})
    assert "export.person@example.org" in b"".join(response.streaming_content).decode()
    assert "with personal data" in caplog.text


def test_the_council_groups_exist_and_only_people_roles_see_personal_data(db):
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    for name in ("Engagement officers", "Follow-up officers", "Data protection officers"):
        assert name in groups

    def perms(name):
        return {f"{p.content_type.app_label}.{p.codename}" for p in groups[name].permissions.all()}

    assert PERSONAL_DATA_PERMISSION not in perms("Engagement officers")
    assert "engagement.export_submission" in perms("Engagement officers")
    assert PERSONAL_DATA_PERMISSION in perms("Follow-up officers")
    assert "conversation.delete_subscriber" in perms("Data protection officers")


def test_answers_to_an_email_question_an_editor_added_need_the_permission(
    client, django_user_model, home_page
):
    from tests.factories.engagement import PlaceStandardFormFieldFactory, SubmissionFactory

    form_page = PlaceStandardFormPageFactory()
    PlaceStandardFormFieldFactory(page=form_page, label="Your email", field_type="email")
    PlaceStandardFormFieldFactory(page=form_page, label="Your street", field_type="singleline")
    submission = SubmissionFactory(form_page=form_page)
    submission.extra_answers = {
        "your_email": "asked.person@example.org",
        "your_street": "Mill Lane",
    }
    submission.save()
    officer = staff(django_user_model, group="Engagement officers")
    client.force_login(officer)
    inspect = client.get(f"/admin/engagement/submission/inspect/{submission.pk}/").content
    export = b"".join(client.get("/admin/engagement/submission/?export=csv").streaming_content)
    for body in (inspect, export):
        assert b"Mill Lane" in body
        assert b"asked.person" not in body

    officer.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(type(officer).objects.get(pk=officer.pk))
    inspect = client.get(f"/admin/engagement/submission/inspect/{submission.pk}/").content
    assert b"asked.person@example.org" in inspect


def test_old_audit_log_labels_lose_subscribers_addresses(db):
    import importlib

    from django.apps import apps
    from wagtail.models import ModelLogEntry

    from tests.factories.conversation import SubscriberFactory

    subscriber = SubscriberFactory(email="logged.person@example.org")
    entry = ModelLogEntry.objects.log_action(subscriber, "wagtail.edit")
    ModelLogEntry.objects.filter(pk=entry.pk).update(label=subscriber.email)  # the old __str__
    migration = importlib.import_module("home.migrations.0004_staff_groups")
    migration.relabel_subscriber_log_entries(apps, None)
    entry.refresh_from_db()
    assert entry.label == f"Alert subscriber {subscriber.pk}"
