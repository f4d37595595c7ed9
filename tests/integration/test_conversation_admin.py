"""Staff views: subscribers only with permission, snippets for groups, demo content."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtailmenus.models import MainMenuItem

from engagement.conversation.models import (
    CommunityGroup,
    CrowdfundingProject,
    StoryIndexPage,
    StoryPage,
)
from tests.factories.conversation import (
    CommunityGroupFactory,
    CrowdfundingProjectFactory,
    SubscriptionFactory,
)
from tests.factories.places import PlacePageFactory

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "/admin/conversation/subscriber/"


@pytest.fixture
def subscription(home_page):
    subscription = SubscriptionFactory(place=PlacePageFactory(title="Example Town"))
    subscription.subscriber.email = "=cmd@example.org"
    subscription.subscriber.save()
    return subscription


def editor(django_user_model, *codenames):
    user = django_user_model.objects.create_user("staff", password="pw")
    group = Group.objects.create(name="Staff")
    group.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", *codenames]),
    )
    user.groups.add(group)
    return user


def test_addresses_are_hidden_from_staff_without_the_permission(
    client, subscription, django_user_model
):
    client.force_login(editor(django_user_model))
    response = client.get(SUBSCRIBERS)
    assert response.status_code in (302, 403)
    assert b"=cmd@example.org" not in response.content
    assert client.get(SUBSCRIBERS + "?export=csv").status_code in (302, 403)


def test_viewers_with_personal_data_access_see_addresses_but_cannot_export_them(
    client, subscription, django_user_model
):
    client.force_login(editor(django_user_model, "view_subscriber", "view_personal_data"))
    response = client.get(SUBSCRIBERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "=cmd@example.org" in html
    assert "Example Town" in html
    assert "Download CSV" not in html
    refused = client.get(SUBSCRIBERS + "?export=csv")
    assert refused.status_code in (302, 403)
    assert not refused.streaming
    assert b"cmd@example.org" not in refused.content


def test_export_needs_its_own_permission_and_is_formula_safe(
    client, subscription, django_user_model
):
    client.force_login(
        editor(django_user_model, "view_subscriber", "export_subscriber", "view_personal_data")
    )
    response = client.get(SUBSCRIBERS + "?export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "'=cmd@example.org"


def test_admin_listings_open_for_a_superuser(admin_client, home_page):
    CommunityGroupFactory(places=[PlacePageFactory()], categories=["Food"])
    CrowdfundingProjectFactory()
    for url in (
        "/admin/snippets/conversation/communitygroup/",
        "/admin/snippets/conversation/crowdfundingproject/",
        "/admin/snippets/conversation/groupcategory/",
        "/admin/conversation/storysubmission/",
        SUBSCRIBERS,
    ):
        assert admin_client.get(url).status_code == 200, url


def test_demo_content_is_idempotent_marked_and_in_the_menu(db):
    call_command("load_demo_content", verbosity=0)
    counts = (
        StoryPage.objects.count(),
        CommunityGroup.objects.count(),
        CrowdfundingProject.objects.count(),
    )
    assert all(counts)
    call_command("load_demo_content", verbosity=0)
    assert counts == (
        StoryPage.objects.count(),
        CommunityGroup.objects.count(),
        CrowdfundingProject.objects.count(),
    )
    index = StoryIndexPage.objects.get()
    assert index.show_in_menus
    assert MainMenuItem.objects.filter(link_page=index).count() == 1
    assert all("(example)" in story.title for story in StoryPage.objects.all())
    assert all("(example)" in group.name for group in CommunityGroup.objects.all())
    assert all("(example)" in project.name for project in CrowdfundingProject.objects.all())
    assert StoryPage.objects.live().filter(places__isnull=False).distinct().count() == 4
