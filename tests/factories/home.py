"""Factories for the home app: the home page, standard pages and their bodies.

StreamField bodies are given as Wagtail's raw JSON form (a list of
{"type": ..., "value": ...}), which is what the database stores and what
the admin posts, so tests exercise the same path as real content.
"""

import factory
import wagtail_factories
from django.utils.html import escape
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page

from home.models import HomePage, HomePageFeaturedPage, OrganisationSettings, StandardPage
from tests.factories import DocumentFactory, ImageFactory, default_site_root

EXAMPLE_EMBED_URL = "https://www.youtube.com/watch?v=ourplaces01"
# What YouTube's oEmbed endpoint returns for a video, so pages are tested with
# the markup a real embed brings (the test browser never fetches it).
EXAMPLE_EMBED_HTML = (
    '<iframe width="200" height="113" '
    'src="https://www.youtube.com/embed/ourplaces01?feature=oembed" frameborder="0" '
    'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
    'picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" '
    'allowfullscreen title="Our Places: how the Place Standard works"></iframe>'
)

#: Every block type BodyStreamBlock offers; every_block_body() uses each one.
BODY_BLOCK_TYPES = (
    "heading",
    "paragraph",
    "image",
    "call_to_action",
    "accordion",
    "quote",
    "document_links",
    "embed",
)


def paragraph_block(html: str) -> dict:
    if not html.lstrip().startswith("<"):
        html = f"<p>{escape(html)}</p>"
    return {"type": "paragraph", "value": html}


def heading_block(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def way_block(title: str, description: str, link: Page | None = None) -> dict:
    return {
        "type": "way",
        "value": {"title": title, "description": description, "link": link.pk if link else None},
    }


def cache_embed(url: str = EXAMPLE_EMBED_URL, html: str = EXAMPLE_EMBED_HTML) -> Embed:
    """Store an embed as Wagtail's finder would, so rendering never goes online."""
    embed, _ = Embed.objects.update_or_create(
        hash=get_embed_hash(url, None, None),
        defaults={
            "url": url,
            "type": "video",
            "html": html,
            "title": "Our Places: how the Place Standard works",
            "provider_name": "YouTube",
            "width": 200,
            "height": 113,
        },
    )
    return embed


def every_block_body(link_page: Page | None = None) -> list[dict]:
    """A body that uses every block type, creating the image, document and embed it needs."""
    image = ImageFactory(title="Volunteers planting a community garden")
    document = DocumentFactory(title="Place Standard results summary")
    cache_embed()
    link = {"page": link_page.pk, "url": ""} if link_page else {"page": None, "url": ""}
    if not link_page:
        link["url"] = "https://www.example.org/get-involved"
    body = [
        heading_block("What this programme is for"),
        paragraph_block(
            "<p>People know their own places best. This page explains how to "
            '<b>take part</b>, with <i>plain</i> steps and a <a href="https://www.example.org/">'
            "link to another site</a>.</p>"
            "<ul><li>Rate your place</li><li>Come to a meeting</li></ul>"
            f'<p>Read the <a linktype="document" id="{document.pk}">results summary</a>.</p>'
        ),
        heading_block("How it works", "h3"),
        {
            "type": "image",
            "value": {
                "image": {
                    "image": image.pk,
                    "alt_text": "Volunteers planting bulbs beside a footpath",
                    "decorative": False,
                },
                "caption": "Volunteers at work (example photograph).",
            },
        },
        {
            "type": "call_to_action",
            "value": {
                "title": "Have your say",
                "text": "Tell us what it is like to live in your place.",
                "link": link,
                "button_label": "Rate your place",
            },
        },
        {
            "type": "accordion",
            "value": {
                "heading": "Questions people ask",
                "items": [
                    {"heading": "Who can take part?", "content": "<p>Anyone who lives here.</p>"},
                    {"heading": "How long does it take?", "content": "<p>About ten minutes.</p>"},
                ],
            },
        },
        {
            "type": "quote",
            "value": {
                "quote": "We found out what our neighbours wanted.",
                "attribution": "An example resident",
            },
        },
        {
            "type": "document_links",
            "value": {"heading": "Downloads", "documents": [document.pk]},
        },
        {
            "type": "embed",
            "value": {"title": "Video: how the Place Standard works", "embed": EXAMPLE_EMBED_URL},
        },
    ]
    assert {block["type"] for block in body} == set(BODY_BLOCK_TYPES)
    return body


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Welcome to Our Places"
    slug = "home"
    hero_intro = "Find out about your place, have your say and see what happens next."
    ways_intro = "There are many ways to take part, online and in person."
    ways = factory.LazyFunction(
        lambda: [
            way_block("Rate your place", "Answer fourteen questions about where you live."),
            way_block("Meet your councillor", "Find your ward councillor and their surgeries."),
        ]
    )
    parent = factory.LazyFunction(Page.get_first_root_node)

    class Meta:
        model = HomePage
        skip_postgeneration_save = True

    @factory.post_generation
    def featured(obj, create, extracted, **kwargs):
        """HomePageFactory(featured=[page, ...]) features those pages, in order."""
        if create and extracted:
            feature_pages(obj, extracted)


def set_ways(home: HomePage, ways: list[dict]) -> HomePage:
    """Replace the home page's ways, saving only that field.

    Saving a page object held since before children were added would write
    its stale `numchild` back and corrupt the tree, so save a fresh copy.
    """
    fresh = HomePage.objects.get(pk=home.pk)
    fresh.ways = ways
    fresh.save(update_fields=["ways"])
    home.refresh_from_db()
    return fresh


def feature_pages(home: HomePage, pages) -> None:
    start = home.featured_pages.count()
    HomePageFeaturedPage.objects.bulk_create(
        HomePageFeaturedPage(home_page=home, page=page, sort_order=start + n)
        for n, page in enumerate(pages)
    )


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Example standard page {n}")
    introduction = "A short introduction to this page."
    body = factory.LazyFunction(lambda: [paragraph_block("Some example content for this page.")])
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = StandardPage

    class Params:
        #: StandardPageFactory(with_every_block=True): a body using every block type.
        with_every_block = factory.Trait(body=factory.LazyFunction(every_block_body))


class OrganisationSettingsFactory(factory.django.DjangoModelFactory):
    organisation_name = "Example Council"
    email = "ourplaces@example.org"
    phone = "01234 567890"
    address = "Example Council\nTown Hall\nExample Town\nEX1 1AA"
    social_links = factory.LazyFunction(
        lambda: [
            {
                "type": "link",
                "value": {
                    "name": "Example social network",
                    "url": "https://social.example.org/ourplaces",
                },
            }
        ]
    )

    class Meta:
        model = OrganisationSettings
        django_get_or_create = ("site",)


def make_home_page():
    """A live HomePage at the root of the default Site, replacing Wagtail's welcome page,
    with OrganisationSettings filled in (the `home_page` fixture)."""
    from wagtail.models import Page, Site

    site = Site.objects.get(is_default_site=True)
    welcome = site.root_page
    # Free the slug "home" for the real home page, then swap it in.
    welcome.slug = "welcome-placeholder"
    welcome.save(update_fields=["slug"])
    home = HomePageFactory(parent=Page.get_first_root_node())
    site.root_page = home
    site.site_name = "Our Places"
    site.save()
    welcome.delete()
    OrganisationSettingsFactory(site=site)
    home.refresh_from_db()
    return home
