"""Factories for the conversation app: stories, subscribers, groups, crowdfunding projects."""

from decimal import Decimal

import factory
import wagtail_factories
from django.utils import timezone

from engagement.conversation.models import (
    ActiveCitizenWay,
    CommunityGroup,
    CrowdfundingProject,
    CrowdfundingStatus,
    GroupCategory,
    GroupKind,
    StoryIndexPage,
    StoryPage,
    Subscriber,
    Subscription,
)
from tests.factories import default_site_root
from tests.factories.places import PlacePageFactory


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "Our stories, our places"
    slug = "stories"
    introduction = "Stories of active citizenship from our places."
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = StoryIndexPage


def default_story_index() -> StoryIndexPage:
    return StoryIndexPage.objects.first() or StoryIndexPageFactory()


class StoryPageFactory(wagtail_factories.PageFactory):
    """StoryPageFactory(places=[place], topics=["food"]): a live story."""

    title = factory.Sequence(lambda n: f"Example story {n}")
    summary = factory.LazyAttribute(lambda page: f"{page.title}, an example for tests.")
    way = ActiveCitizenWay.BE_A_GOOD_NEIGHBOUR
    author_name = "An example resident"
    # Publishing sets this; wagtail-factories creates live pages without it.
    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.LazyFunction(timezone.now)
    parent = factory.LazyFunction(default_story_index)

    class Meta:
        model = StoryPage
        skip_postgeneration_save = True

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):
        if extracted:
            obj.places.set(extracted)
            if create:
                obj.save()

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if extracted:
            obj.tags.add(*extracted)
            if create:
                obj.save()


class SubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"subscriber{n}@example.org")

    class Meta:
        model = Subscriber


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription unless confirmed_at=None is given."""

    subscriber = factory.SubFactory(SubscriberFactory)
    place = factory.SubFactory(PlacePageFactory)
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))

    class Meta:
        model = Subscription


class GroupCategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Example category {n}")

    class Meta:
        model = GroupCategory
        django_get_or_create = ("name",)


class CommunityGroupFactory(factory.django.DjangoModelFactory):
    """CommunityGroupFactory(places=[place], categories=["Food"])."""

    name = factory.Sequence(lambda n: f"Example group {n}")
    kind = GroupKind.MUTUAL_AID
    description = "An example group for tests."
    contact = "group@example.org"
    website = "https://group.example.org/"

    class Meta:
        model = CommunityGroup
        skip_postgeneration_save = True

    @factory.post_generation
    def places(obj, create, extracted, **kwargs):
        if extracted:
            obj.places_served.set(extracted)

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if extracted:
            obj.categories.set([GroupCategoryFactory(name=name) for name in extracted])


class CrowdfundingProjectFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Example project {n}")
    place = factory.SubFactory(PlacePageFactory)
    summary = "An example project for tests."
    target = Decimal("5000")
    pledged = Decimal("1250")
    status = CrowdfundingStatus.LIVE
    campaign_url = "https://crowdfunding.example.org/project"

    class Meta:
        model = CrowdfundingProject
