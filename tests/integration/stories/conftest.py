"""Fixtures the story tests share: a story index, a place and a moderator."""

import pytest
from django.contrib.auth.models import Group

from tests.factories.conversation import StoryIndexPageFactory
from tests.factories.places import PlacePageFactory


@pytest.fixture
def index(home_page):
    return StoryIndexPageFactory()


@pytest.fixture
def place(home_page):
    return PlacePageFactory(title="Example Town")


@pytest.fixture
def moderator(django_user_model):
    """A member of Wagtail's Moderators group, with an address for its emails."""
    user = django_user_model.objects.create_user(
        "moderator", email="moderator@example.org", password="pw"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
