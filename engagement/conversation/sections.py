"""Place page sections: stories, community groups, crowdfunding and the alert sign-up box.

Registered under home.contracts.PLACE_PAGE_SECTIONS in wagtail_hooks; where
each sits on the page is declared in home.contracts.PlacePageSection. Each
uses a fixed number of queries however many items a place has. The
"Was this page helpful?" widget every page shows is here too.
"""

from wagtail.models import Page

from engagement.conversation.alerts import ALERT_CONSENT_WORDING
from engagement.conversation.models import (
    CommunityGroup,
    CrowdfundingProject,
    StoryIndexPage,
    StoryPage,
)
from home import indexes, visibility
from home.contracts import PageFooterPiece, PlacePageSection, Section, provides

STORIES_ON_PLACE_PAGE = 3


@provides(PlacePageSection.STORIES)
def stories_section(place_page, request):
    """The latest stories about the place (1 query; the story index is a lookup)."""
    stories = list(
        visibility.public(StoryPage.objects.live(), request)
        .filter(places=place_page)
        .order_by("-first_published_at", "-pk")[: STORIES_ON_PLACE_PAGE + 1]
    )
    index = indexes.index_page(StoryIndexPage, request)
    if not stories and index is None:
        return None
    return Section(
        key=PlacePageSection.STORIES,
        template="components/conversation/place_stories_section.html",
        context={
            "stories": stories[:STORIES_ON_PLACE_PAGE],
            "more": len(stories) > STORIES_ON_PLACE_PAGE,
            "index": index,
            "place": place_page,
        },
    )


@provides(PlacePageSection.COMMUNITY_GROUPS)
def community_groups_section(place_page, request):
    """Groups serving the place, with their categories (2 queries)."""
    groups = list(
        CommunityGroup.objects.filter(places_served=place_page)
        .prefetch_related("categories")
        .order_by("name")
    )
    if not groups:
        return None
    return Section(
        key=PlacePageSection.COMMUNITY_GROUPS,
        template="components/conversation/place_groups_section.html",
        context={"groups": groups, "place": place_page},
    )


@provides(PlacePageSection.CROWDFUNDING)
def crowdfunding_section(place_page, request):
    """Civic crowdfunding projects for the place (1 query)."""
    projects = list(CrowdfundingProject.objects.filter(place=place_page).order_by("name"))
    if not projects:
        return None
    return Section(
        key=PlacePageSection.CROWDFUNDING,
        template="components/conversation/place_crowdfunding_section.html",
        context={"projects": projects, "place": place_page},
    )


@provides(PlacePageSection.ALERTS_SIGNUP)
def alerts_signup_section(place_page, request):
    """A sign-up box for this place's alerts (no queries)."""
    return Section(
        key=PlacePageSection.ALERTS_SIGNUP,
        template="components/conversation/place_alerts_section.html",
        context={"place": place_page, "consent_wording": ALERT_CONSENT_WORDING},
    )


@provides(PageFooterPiece.PAGE_FEEDBACK)
def page_feedback_piece(page, request):
    """ "Was this page helpful?" after every Wagtail page's main content (no queries)."""
    if not isinstance(page, Page):
        return None
    return Section(
        key=PageFooterPiece.PAGE_FEEDBACK, template="components/conversation/helpful.html"
    )
