"""No cross-app contract passes dicts or tuples: every provider returns home.contracts types.

Builds a place with something for every hook (a ward, a councillor, a school,
an open form with an approved comment, published results, a story, a group,
a crowdfunding project), calls every function registered under each of the
project's hook names, and checks each item is the dataclass declared for that
hook. Each consumer refuses a dict or a tuple with a TypeError.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone
from wagtail import hooks

from councillor_pages.engagements import open_engagements_for_wards, ward_digests
from engagement.conversation.alerts import collect_items as alert_items
from engagement.models import ThemeScore
from engagement.moderation import moderate
from home import contracts, invalidation, schedule
from home.contracts import (
    HOOK_NAMES,
    HOOK_TYPES,
    PLACE_PAGE_SECTIONS,
    PlacePageSection,
    Section,
    collect_sections,
)
from schools.notifications import ward_contacts
from tests.factories.conversation import (
    CommunityGroupFactory,
    CrowdfundingProjectFactory,
    StoryPageFactory,
)
from tests.factories.councillor_pages import CouncillorPageFactory
from tests.factories.engagement import (
    PlaceInsightFactory,
    PlaceStandardFormPageFactory,
    SubmissionFactory,
)
from tests.factories.home import StandardPageFactory
from tests.factories.places import PlacePageFactory, WardFactory
from tests.factories.schools import SchoolFactory

pytestmark = pytest.mark.django_db

SINCE = datetime.timedelta(days=7)


@pytest.fixture
def content(home_page, admin_user):
    now = timezone.now()
    ward = WardFactory(name="Ashbrow")
    place = PlacePageFactory(title="Fartown", wards=[ward])
    councillor = CouncillorPageFactory(ward=ward)
    SchoolFactory(ward=ward)
    form = PlaceStandardFormPageFactory(
        parent=place,
        place=place,
        title="How good is Fartown?",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
    )
    SubmissionFactory(form_page=form, scores={"moving_around": (3, "More benches, please")})
    moderate(ThemeScore.objects.get(comment="More benches, please"), "approved", admin_user)
    PlaceInsightFactory(place=place, first_published_at=now)
    story = StoryPageFactory(places=[place])
    CommunityGroupFactory(places=[place])
    CrowdfundingProjectFactory(place=place)
    request = RequestFactory().get(place.url)
    request.user = AnonymousUser()
    return SimpleNamespace(
        home_page=home_page,
        place=place,
        ward=ward,
        request=request,
        since=now - SINCE,
        until=now + datetime.timedelta(minutes=1),
        now=now,
        #: One page of each type some app says more about (PAGE_DEPENDENTS).
        changed_pages=[place, form, story, councillor],
    )


def arguments(hook_name, content):
    """What each hook's functions are called with (see home.contracts)."""
    return {
        contracts.HOME_PAGE_SECTIONS: (content.home_page, content.request),
        contracts.PLACE_PAGE_SECTIONS: (content.place, content.request),
        contracts.PAGE_FOOTER_PIECES: (content.place, content.request),
        contracts.WARD_ENGAGEMENTS: ([content.ward.pk],),
        contracts.WARD_ENGAGEMENT_DIGEST: ([content.ward.pk], content.since, content.until),
        contracts.WARD_CONTACTS: (content.ward,),
        contracts.PLACE_ALERT_ITEMS: (content.since,),
        contracts.SCHEDULED_CHANGES: (content.now,),
    }[hook_name]


def results_of(fn, hook_name, content) -> list:
    """Everything `fn` returns for the content (for PAGE_DEPENDENTS: for each changed page)."""
    if hook_name == contracts.PAGE_DEPENDENTS:
        return [item for page in content.changed_pages for item in returned(fn(page))]
    return returned(fn(*arguments(hook_name, content)))


def returned(result):
    """A section hook returns one item (or None); the others return iterables."""
    if result is None:
        return []
    if isinstance(result, Section | contracts.CacheChange):
        return [result]
    return list(result)


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_every_provider_returns_the_declared_dataclass(hook_name, content):
    providers = hooks.get_hooks(hook_name)
    assert providers, f"Nothing provides {hook_name}: drop it from home.contracts"
    for fn in providers:
        items = results_of(fn, hook_name, content)
        name = f"{fn.__module__}.{fn.__name__}"
        assert items, f"{name} returned nothing: the content should give it something"
        for item in items:
            assert type(item) is HOOK_TYPES[hook_name], f"{name} returned {item!r}"


def test_place_page_sections_come_in_the_declared_order(content):
    sections = collect_sections(PLACE_PAGE_SECTIONS, content.place, content.request)
    assert [section.key for section in sections] == list(PlacePageSection)


def test_a_section_with_an_undeclared_key_is_refused(content):
    def stray(page, request):
        return Section(key="sidebar", template="includes/footer.html")

    with (
        hooks.register_temporarily(PLACE_PAGE_SECTIONS, stray),
        pytest.raises(ValueError, match="not declared"),
    ):
        collect_sections(PLACE_PAGE_SECTIONS, content.place, content.request)


def consume(hook_name, content, client):
    """Run the real consumer of `hook_name`."""
    if hook_name == contracts.HOME_PAGE_SECTIONS:
        return client.get(content.home_page.url)
    if hook_name == contracts.PLACE_PAGE_SECTIONS:
        return client.get(content.place.url)
    if hook_name == contracts.PAGE_FOOTER_PIECES:
        return client.get(StandardPageFactory().url)
    if hook_name == contracts.WARD_ENGAGEMENTS:
        return open_engagements_for_wards(None)
    if hook_name == contracts.WARD_ENGAGEMENT_DIGEST:
        return ward_digests([content.ward.pk], content.since, content.until)
    if hook_name == contracts.WARD_CONTACTS:
        return ward_contacts(content.ward)
    if hook_name == contracts.PLACE_ALERT_ITEMS:
        return alert_items(content.since)
    if hook_name == contracts.SCHEDULED_CHANGES:
        return schedule.next_change()
    if hook_name == contracts.PAGE_DEPENDENTS:
        return invalidation.page_change(content.changed_pages[0])
    raise AssertionError(f"No consumer known for {hook_name}")


SECTION_HOOKS = set(contracts.SECTION_KEYS)
#: Hooks whose functions return one item (or None) rather than an iterable.
ONE_ITEM_HOOKS = {contracts.PAGE_DEPENDENTS}


@pytest.mark.parametrize("shape", ["dict", "tuple"])
@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_consumers_refuse_dicts_and_tuples(hook_name, shape, content, client):
    typed = results_of(hooks.get_hooks(hook_name)[0], hook_name, content)[0]
    fields = vars(typed) if shape == "dict" else tuple(vars(typed).values())

    def untyped(*args):
        return fields if hook_name in SECTION_HOOKS | ONE_ITEM_HOOKS else [fields]

    if hook_name in SECTION_HOOKS:
        untyped.section_key = typed.key  # declared, so the consumer gets as far as the type

    with (
        hooks.register_temporarily(hook_name, untyped),
        pytest.raises(TypeError, match=HOOK_TYPES[hook_name].__name__),
    ):
        consume(hook_name, content, client)
