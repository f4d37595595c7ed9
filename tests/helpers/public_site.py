"""A realistic site for the caching tests: every public page type, menus, and a full place.

`build(home_page)` makes:

- the menus and organisation settings of tests/integration/test_menus_cached.py
  (four main sections with children, a footer of pages and links);
- a district, a town under it with a hero image, child places, neighbours,
  topics and two wards, and every section a place page can show populated:
  an open Place Standard form (with an extra question), published results
  over the minimum with approved comments, councillors with photos and
  roles in its wards, a participating school, stories, community groups
  with categories, a crowdfunding project, the alert sign-up;
- one page of every other public type (engagement index, councillor index
  and page, schools programme, library and resource, story index and story),
  and the public views (results, open data, alerts, search).

`grow(site, n)` then adds `n` more places (with wards, stories and groups of
their own), for budgets that must stay equal as content grows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from engagement.models import ThemeScore
from engagement.moderation import moderate
from engagement.themes import THEME_KEYS
from places.models import PlaceKind, PlacePage
from tests.factories import ImageFactory
from tests.factories.conversation import (
    CommunityGroupFactory,
    CrowdfundingProjectFactory,
    StoryIndexPageFactory,
    StoryPageFactory,
)
from tests.factories.councillor_pages import CouncillorPageFactory
from tests.factories.engagement import (
    EngagementIndexPageFactory,
    InsightActionFactory,
    PlaceInsightFactory,
    PlaceStandardFormFieldFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.places import PlacePageFactory, WardFactory, create_places
from tests.factories.schools import LearningResourcePageFactory, SchoolFactory, default_library


@dataclass
class PublicSite:
    content: object  # tests.integration.test_menus_cached.Content
    district: PlacePage
    town: PlacePage
    form_page: object
    story: object
    councillor: object
    wards: list
    urls: dict[str, str] = field(default_factory=dict)


def _respond(form_page, count: int, admin_user=None) -> None:
    for n in range(count):
        SubmissionFactory(
            form_page=form_page,
            scores={
                key: ((n + k) % 7 + 1, f"Comment {n} on {key}") for k, key in enumerate(THEME_KEYS)
            },
        )
    if admin_user is not None:
        for comment in ThemeScore.objects.filter(submission__form_page=form_page)[:6]:
            moderate(comment, "approved", admin_user)


def build(home_page, admin_user=None) -> PublicSite:
    from tests.integration.test_menus_cached import build_content

    content = build_content(home_page)
    wards = [WardFactory(name="Example North"), WardFactory(name="Example South")]
    district = PlacePageFactory(
        title="Example District", kind=PlaceKind.DISTRICT, parent=content.places
    )
    town = PlacePageFactory(
        title="Example Market Town",
        parent=district,
        wards=wards,
        hero_image=ImageFactory(title="The market square"),
    )
    town.tags.add("parks", "buses")
    town.save()
    create_places(town, 3, wards=wards[:1], prefix="Quarter")
    neighbour = PlacePageFactory(title="Example Neighbour", parent=district, wards=wards[1:])
    town.neighbours.add(neighbour)
    town.save()

    form_page = PlaceStandardFormPageFactory(parent=town, place=town, title="How good is it?")
    PlaceStandardFormFieldFactory(page=form_page)
    _respond(form_page, 6, admin_user)
    insight = PlaceInsightFactory(place=town)
    InsightActionFactory(insight=insight)

    councillors = [
        CouncillorPageFactory(
            title=f"Example Councillor {n}", ward=wards[n % 2], photo=ImageFactory()
        )
        for n in range(3)
    ]
    SchoolFactory(ward=wards[0])
    story_index = StoryIndexPageFactory()
    story = StoryPageFactory(parent=story_index, places=[town], image=ImageFactory())
    StoryPageFactory(parent=story_index, places=[town])
    CommunityGroupFactory(places=[town], categories=["Food", "Older people"])
    CommunityGroupFactory(places=[town], categories=["Sport"])
    CrowdfundingProjectFactory(place=town)
    engagement_index = EngagementIndexPageFactory()
    resource = LearningResourcePageFactory(parent=default_library())

    site = PublicSite(
        content=content,
        district=district,
        town=town,
        form_page=form_page,
        story=story,
        councillor=councillors[0],
        wards=wards,
    )
    site.urls = {
        "home page": "/",
        "standard page": content.team.url,
        "place index": content.places.url,
        "district place page": district.url,
        "place page": town.url,
        "engagement index": engagement_index.url,
        "Place Standard form": form_page.url,
        "form thank-you": f"{form_page.url}thank-you/",
        "councillor index": councillors[0].get_parent().url,
        "find your councillor": f"{councillors[0].get_parent().url}?ward={wards[0].code}",
        "councillor page": councillors[0].url,
        "schools programme": resource.get_parent().get_parent().url,
        "resource library": resource.get_parent().url,
        "learning resource": resource.url,
        "story index": story_index.url,
        "story page": story.url,
        "results overview": reverse("insight_overview"),
        "results page": reverse("insight_results", args=[town.pk, 1]),
        "alerts sign-up": reverse("conversation_alerts_signup"),
    }
    return site


def grow(site: PublicSite, count: int) -> None:
    """Add `count` places under the district, with wards, stories and groups of their own."""
    ward = WardFactory()
    places = create_places(site.district, count, wards=[ward], prefix="Grown")
    index = site.story.get_parent()
    # Older than the first stories, so every list keeps showing the same first page.
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for place in places[:20]:
        StoryPageFactory(
            parent=index, places=[place], first_published_at=long_ago, last_published_at=long_ago
        )
        CommunityGroupFactory(places=[place])
    CouncillorPageFactory(ward=ward)
