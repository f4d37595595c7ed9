"""'Invite a councillor to your school': errors, notification, rate limit, retention."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail import hooks

from home.contracts import WARD_CONTACTS, WardContact
from schools.models import CouncillorInvitation
from tests.factories.places import PlacePageFactory, WardFactory
from tests.factories.schools import SchoolFactory, SchoolsIndexPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(home_page):
    return SchoolsIndexPageFactory(contact_email="programme@example.org")


@pytest.fixture
def ward():
    return WardFactory(name="Example Ward North")


def invite_url(programme):
    return programme.url + "invite-a-councillor/"


def valid_answers(ward, **changes):
    answers = {
        "school_name": "Example High School",
        "ward": str(ward.pk),
        "contact_name": "Sam Example",
        "contact_email": "sam@example.sch.uk",
        "message": "Answer questions at our Year 9 assembly.",
        "preferred_timing": "Any Tuesday afternoon",
    }
    answers.update(changes)
    return answers


def test_empty_form_shows_every_error_and_stores_nothing(client, programme):
    response = client.post(invite_url(programme), {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    for message in (
        "Enter the name of your school",
        "Choose the ward your school is in",
        "Enter your name",
        "Enter your email address",
        "Tell us what you would like a councillor to do",
    ):
        assert html.count(message) == 2, message  # summary and beside the field
    assert 'href="#id_school_name"' in html
    assert 'aria-describedby="id_contact_email-hint id_contact_email-error"' in html
    assert "<title>Error: " in html
    assert not CouncillorInvitation.objects.exists()
    assert not mail.outbox


def test_bad_email_keeps_what_was_typed(client, programme, ward):
    response = client.post(
        invite_url(programme), valid_answers(ward, contact_email="sam at school")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an email address in the correct format" in html
    assert 'value="Example High School"' in html
    assert 'value="sam at school"' in html
    assert "Answer questions at our Year 9 assembly." in html
    assert f'<option value="{ward.pk}" selected>' in html
    assert not CouncillorInvitation.objects.exists()


def test_without_councillor_contacts_the_programme_address_is_told(client, programme, ward):
    response = client.post(invite_url(programme), valid_answers(ward))
    assert response.status_code == 302
    assert response["Location"].endswith("invite-a-councillor/sent/")
    invitation = CouncillorInvitation.objects.get()
    assert invitation.school_name == "Example High School"
    assert invitation.ward == ward
    assert invitation.notified_count == 1
    assert [message.to for message in mail.outbox] == [["programme@example.org"]]
    assert "Example High School" in mail.outbox[0].body
    assert "sam@example.sch.uk" in mail.outbox[0].body
    assert client.get(response["Location"]).status_code == 200


def test_the_ward_councillors_are_told_when_the_hook_gives_addresses(client, programme, ward):
    other_ward = WardFactory()
    asked = []

    def contacts(requested_ward):
        asked.append(requested_ward)
        if requested_ward == ward:
            return [
                WardContact(email=email)
                for email in (
                    "cllr.one@example.org",
                    "cllr.two@example.org",
                    "cllr.one@example.org",
                )
            ]
        return []

    with hooks.register_temporarily(WARD_CONTACTS, contacts):
        client.post(invite_url(programme), valid_answers(ward))
        assert sorted(message.to[0] for message in mail.outbox) == [
            "cllr.one@example.org",
            "cllr.two@example.org",
        ]
        assert all(len(message.to) == 1 for message in mail.outbox)
        mail.outbox.clear()
        # A ward the hook knows no councillors for falls back to the programme.
        client.post(invite_url(programme), valid_answers(other_ward))
        assert [message.to for message in mail.outbox] == [["programme@example.org"]]
    assert asked == [ward, other_ward]
    assert CouncillorInvitation.objects.get(ward=ward).notified_count == 2


def test_invitations_are_rate_limited_through_the_cache(client, programme, ward, settings):
    settings.SCHOOLS_INVITATION_RATE_LIMIT = (2, 3600)
    for _ in range(2):
        assert client.post(invite_url(programme), valid_answers(ward)).status_code == 302
    response = client.post(invite_url(programme), valid_answers(ward, school_name="Third try"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'value="Third try"' in html
    assert CouncillorInvitation.objects.count() == 2
    # Another client is not affected.
    other = client.post(invite_url(programme), valid_answers(ward), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_purge_deletes_invitations_past_the_retention_period(programme, ward, settings):
    settings.SCHOOLS_INVITATION_RETENTION_DAYS = 30
    old = CouncillorInvitation.objects.create(
        school_name="Old", ward=ward, contact_name="A", contact_email="a@example.org", message="x"
    )
    CouncillorInvitation.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    recent = CouncillorInvitation.objects.create(
        school_name="New", ward=ward, contact_name="B", contact_email="b@example.org", message="y"
    )
    call_command("purge_councillor_invitations", "--dry-run")
    assert CouncillorInvitation.objects.count() == 2
    call_command("purge_councillor_invitations")
    assert list(CouncillorInvitation.objects.all()) == [recent]
    with pytest.raises(CommandError):
        call_command("purge_councillor_invitations", "--days", "-1")


def test_programme_page_lists_schools_and_links_the_form(client, programme, ward):
    SchoolFactory(name="Example Academy", ward=ward, status="democracy-friendly")
    html = client.get(programme.url).content.decode()
    assert "Example Academy" in html
    assert "Democracy Friendly School" in html
    assert "invite-a-councillor/" in html


def test_place_page_shows_schools_in_its_wards_only(
    client, home_page, django_assert_max_num_queries
):
    north, south = WardFactory(), WardFactory()
    SchoolFactory(name="Northside Primary", ward=north)
    SchoolFactory(name="Southside High", ward=south)
    place = PlacePageFactory(title="Example Town", wards=[north])
    html = client.get(place.url).content.decode()
    assert "Democracy Friendly Schools nearby" in html
    assert "Northside Primary" in html
    assert "Southside High" not in html
    elsewhere = PlacePageFactory(title="Nowhere", wards=[])
    assert "Democracy Friendly Schools nearby" not in client.get(elsewhere.url).content.decode()


def test_place_section_uses_one_query_however_many_schools(
    rf, home_page, django_assert_num_queries
):
    from schools.wagtail_hooks import participating_schools_section

    ward = WardFactory()
    place = PlacePageFactory(wards=[ward])
    for _ in range(5):
        SchoolFactory(ward=ward)
    with django_assert_num_queries(1):
        section = participating_schools_section(place, rf.get("/"))
    assert len(section.context["schools"]) == 5
