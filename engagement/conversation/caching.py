"""What stories, community groups and crowdfunding projects renew in the caches.

- A story published, unpublished, moved or deleted: the stories section of
  every place it is about, before and after (a story moved to another place
  renews both); the story index lists it by its `cache_listings`.
- The story index itself: every place's stories section links to it.
- A community group or crowdfunding project saved or deleted: its places'
  sections (a group's places change after its row is saved, so the change
  of its list of places counts too).
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed
from wagtail import hooks

from home import fragments, invalidation
from home.contracts import PAGE_DEPENDENTS, CacheChange, PlacePageSection


def _sections(key, place_ids) -> CacheChange:
    return CacheChange(
        names=frozenset(fragments.section_name(key, place_id) for place_id in place_ids)
    )


@hooks.register(PAGE_DEPENDENTS)
def story_dependents(page):
    from engagement.conversation.models import StoryIndexPage, StoryPage

    model = page.specific_class
    if model is not None and issubclass(model, StoryPage):
        place_ids = StoryPage.places.through.objects.filter(storypage_id=page.pk).values_list(
            "placepage_id", flat=True
        )
        return _sections(PlacePageSection.STORIES, set(place_ids))
    if model is not None and issubclass(model, StoryIndexPage):
        return CacheChange(names=frozenset({fragments.section_name(PlacePageSection.STORIES)}))
    return None


def _group_places(group) -> CacheChange:
    from engagement.conversation.models import CommunityGroup

    through = CommunityGroup.places_served.through
    place_ids = through.objects.filter(communitygroup_id=group.pk).values_list(
        "placepage_id", flat=True
    )
    return _sections(PlacePageSection.COMMUNITY_GROUPS, set(place_ids))


def _group_places_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if action not in ("pre_add", "post_add", "pre_remove", "post_remove", "pre_clear"):
        return
    if reverse:  # from a place's side: the groups of that one place
        invalidation.apply(_sections(PlacePageSection.COMMUNITY_GROUPS, [instance.pk]))
    else:
        changed = _group_places(instance)
        if pk_set:
            changed |= _sections(PlacePageSection.COMMUNITY_GROUPS, pk_set)
        invalidation.apply(changed)


def _project_place(project) -> CacheChange:
    return _sections(PlacePageSection.CROWDFUNDING, [project.place_id])


def connect() -> None:
    from engagement.conversation.models import CommunityGroup, CrowdfundingProject, GroupCategory

    invalidation.track(CommunityGroup, _group_places)
    invalidation.track(CrowdfundingProject, _project_place)
    invalidation.track(
        GroupCategory,
        lambda category: CacheChange(
            names=frozenset({fragments.section_name(PlacePageSection.COMMUNITY_GROUPS)})
        ),
    )
    m2m_changed.connect(
        _group_places_changed,
        sender=CommunityGroup.places_served.through,
        dispatch_uid="conversation-cache-group-places",
    )
