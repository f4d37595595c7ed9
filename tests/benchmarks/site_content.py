"""Content for the page benchmarks, in the benchmark's own database.

`make bench` runs `load_demo_content` first, so the pages measured are the
demo site's whenever its loaders work. `pages()` then picks the home page and
a standard page from it, and creates its own only where the demo provides
none (no demo loader yet, or one that failed), so the benchmark always has
realistic pages to request. Like the demo loaders it finds before it creates:
running it twice changes nothing.

These functions run inside Django (see site_setup.py), never in a test.
"""

from django.db.models import TextField
from django.db.models.functions import Cast, Length
from wagtail.models import Page, Site
from wagtailmenus.models import FlatMenu, FlatMenuItem, MainMenu, MainMenuItem

from home.models import HomePage, HomePageFeaturedPage, OrganisationSettings, StandardPage

HOME_SLUG = "home"

#: The fallback content: a few programme pages, one of which (the first,
#: with the longest body) is the page the "standard page" scenario requests.
STANDARD_PAGES = [
    ("active-citizenship", "Being an active citizen"),
    ("how-decisions-are-made", "How decisions are made"),
    ("accessibility", "Accessibility statement"),
    ("privacy", "Privacy notice"),
]


def pages() -> dict[str, str]:
    """The home page and the standard page the page scenarios request."""
    created = False
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        home = HomePage.objects.live().first() or _create_home_page()
        site.root_page = home
        site.save()
        created = True
    standard = _largest_standard_page(home)
    if standard is None:
        standard = _create_standard_pages(home, site)
        created = True
    return {
        "home_path": home.relative_url(site),
        "home_title": home.title,
        "standard_path": standard.relative_url(site),
        "standard_title": standard.title,
        "content_source": "benchmark" if created else "demo",
    }


def _largest_standard_page(home: HomePage) -> StandardPage | None:
    """The live standard page with the longest body: a full page, not a stub."""
    return (
        StandardPage.objects.live()
        .public()
        .descendant_of(home)
        .annotate(body_length=Length(Cast("body", TextField())))
        .order_by("-body_length", "path")
        .first()
    )


def _create_home_page() -> HomePage:
    root = Page.get_first_root_node()
    # A new Wagtail database has a placeholder welcome page with the slug we
    # want; it is an empty plain Page, so it can go.
    for placeholder in root.get_children().filter(slug=HOME_SLUG):
        if placeholder.specific_class is Page and placeholder.is_leaf():
            placeholder.delete()
    home = HomePage(
        title="Our Places",
        slug=HOME_SLUG,
        hero_intro=(
            "Find out what is happening where you live, say how your place could be "
            "better, and see what the council did with what people told it."
        ),
        ways_intro="There is more than one way to take part. Pick the one that suits you.",
        ways=[
            ("way", {"title": title, "description": text, "link": None})
            for title, text in [
                ("Rate your place", "Score fourteen themes, from transport to feeling safe."),
                ("Find your councillor", "See who represents your ward and how to reach them."),
                ("Tell us your story", "Share what your neighbourhood does well."),
                ("Get updates", "Hear when an engagement opens near you."),
            ]
        ],
        body=[
            ("heading", {"text": "Working in the open", "level": "h2"}),
            ("paragraph", _paragraph(2)),
        ],
        show_in_menus=False,
    )
    root.add_child(instance=home)
    return home


def _create_standard_pages(home: HomePage, site: Site) -> StandardPage:
    created = []
    for index, (slug, title) in enumerate(STANDARD_PAGES):
        page = StandardPage.objects.child_of(home).filter(slug=slug).first()
        if page is None:
            page = StandardPage(
                title=title,
                slug=slug,
                introduction=(
                    "How people who live and work here can shape the decisions "
                    "that affect their place."
                ),
                body=_long_body(home) if index == 0 else _short_body(),
                show_in_menus=True,
            )
            home.add_child(instance=page)
        created.append(page)
    for order, page in enumerate(created[:3]):
        HomePageFeaturedPage.objects.get_or_create(
            home_page=home, page=page, defaults={"sort_order": order}
        )
    main_menu = MainMenu.get_for_site(site)
    if not main_menu.menu_items.exists():
        for order, page in enumerate(created[:2]):
            MainMenuItem.objects.create(menu=main_menu, link_page=page, sort_order=order)
    footer, _ = FlatMenu.objects.get_or_create(
        site=site, handle="footer", defaults={"title": "Footer"}
    )
    if not footer.menu_items.exists():
        for order, page in enumerate(created[2:]):
            FlatMenuItem.objects.create(menu=footer, link_page=page, sort_order=order)
    # Fill in only what nobody has: demo settings, where there are any, stay.
    organisation = OrganisationSettings.for_site(site)
    organisation.email = organisation.email or "ourplaces@example.org"
    organisation.phone = organisation.phone or "01234 567890"
    organisation.address = organisation.address or "Town Hall\nExample Street\nExampletown"
    organisation.accessibility_statement = organisation.accessibility_statement or created[2]
    organisation.privacy_notice = organisation.privacy_notice or created[3]
    organisation.save()
    return created[0]


SENTENCES = [
    "Everyone who lives, works or studies here is an expert on their own place.",
    "The council wants to hear what works well, what does not, and what would help.",
    "Ward councillors are told about every engagement in their ward and take part in it.",
    "Results are published in plain English, with what will happen next and when.",
    "You can take part online, on paper, by phone or through a community group.",
    "Small changes agreed locally often matter more than big plans made far away.",
]


def _paragraph(sentences: int, offset: int = 0) -> str:
    picked = [SENTENCES[(offset + n) % len(SENTENCES)] for n in range(sentences)]
    return f"<p>{' '.join(picked)}</p>"


def _short_body() -> list:
    return [("paragraph", _paragraph(3)), ("paragraph", _paragraph(3, offset=3))]


def _long_body(home: HomePage) -> list:
    """About 1,000 words in the blocks editors use most."""
    body = []
    for section in range(4):
        body += [
            ("heading", {"text": f"Part {section + 1}: taking part where you live", "level": "h2"}),
            ("paragraph", _paragraph(5, offset=section)),
            (
                "paragraph",
                "<ul>"
                + "".join(f"<li>{sentence}</li>" for sentence in SENTENCES[section:])
                + "</ul>",
            ),
            ("heading", {"text": "What happens next", "level": "h3"}),
            ("paragraph", _paragraph(4, offset=section + 2)),
        ]
    body += [
        (
            "quote",
            {
                "quote": "We knew the park needed work; now we know what our neighbours want.",
                "attribution": "Example resident (illustrative)",
            },
        ),
        (
            "accordion",
            {
                "heading": "Questions people ask",
                "items": [
                    {"heading": f"Question {n}", "content": _paragraph(3, offset=n)}
                    for n in range(1, 6)
                ],
            },
        ),
        (
            "call_to_action",
            {
                "title": "Rate your place",
                "text": "It takes about ten minutes and you can stop at any time.",
                "link": {"page": home, "url": ""},
                "button_label": "Start rating your place",
            },
        ),
    ]
    return body


# --- Every other public page type ----------------------------------------------
#
# One function per part of the site, each returning the paths its scenarios
# request (see scenarios.py) and `<part>_source`: "demo" when the demo content
# had every page it needed, "benchmark" when something had to be created.
# Pages are looked up by type (the richest or first by tree order), so a
# change to the demo's slugs does not break the benchmark.


def _home_and_site():
    site = Site.objects.get(is_default_site=True)
    return site.root_page.specific, site


def _add(parent, page):
    """Add `page` under `parent` and publish it, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _source(created: bool) -> str:
    return "benchmark" if created else "demo"


def places() -> dict[str, str]:
    """The place index and a district: a top-level place with places under it (Kirklees)."""
    from places.models import PlaceIndexPage, PlaceKind, PlacePage

    home, site = _home_and_site()
    created = False
    index = PlaceIndexPage.objects.live().public().first()
    if index is None:
        index = _add(home, PlaceIndexPage(title="Places", slug="places"))
        created = True
    district = (
        PlacePage.objects.live()
        .public()
        .descendant_of(index)
        .filter(kind=PlaceKind.DISTRICT)
        .order_by("-numchild", "path")
        .first()
    )
    if district is None:
        district = _add(
            index,
            PlacePage(
                title="Benchmark District",
                slug="bench-district",
                kind=PlaceKind.DISTRICT,
                summary="A district with towns in it, for the benchmark.",
            ),
        )
        for slug, title in [("bench-north", "Northtown"), ("bench-south", "Southtown")]:
            _add(district, PlacePage(title=title, slug=slug, summary=f"{title}, a town."))
        created = True
    return {
        "place_index_path": index.relative_url(site),
        "district_path": district.relative_url(site),
        "district_title": district.title,
        "places_source": _source(created),
    }


def councillors() -> dict[str, str]:
    """The councillor index, a councillor with a ward, and a postcode in a ward with councillors."""
    from councillor_pages.models import CouncillorIndexPage, CouncillorPage, Postcode
    from places.models import Ward

    home, site = _home_and_site()
    created = False
    index = CouncillorIndexPage.objects.live().public().first()
    if index is None:
        index = _add(home, CouncillorIndexPage(title="Your councillors", slug="councillors"))
        created = True
    councillors_with_ward = CouncillorPage.objects.live().public().child_of(index)
    councillor = councillors_with_ward.filter(ward__isnull=False).order_by("path").first()
    if councillor is None:
        ward, _ = Ward.objects.get_or_create(code="E05999999", defaults={"name": "Benchmark Ward"})
        councillor = _add(
            index,
            CouncillorPage(
                title="Alex Example", slug="bench-alex-example", party="Independent", ward=ward
            ),
        )
        created = True
    postcode = (
        Postcode.objects.filter(ward__councillors__live=True)
        .select_related("ward")
        .order_by("postcode")
        .first()
    )
    if postcode is None:
        postcode, _ = Postcode.objects.get_or_create(
            postcode="ZZ991ZZ", defaults={"ward": councillor.ward}
        )
        created = True
    return {
        "councillor_index_path": index.relative_url(site),
        "councillor_path": councillor.relative_url(site),
        "councillor_title": councillor.title,
        "postcode": postcode.postcode,
        "postcode_ward": postcode.ward.name,
        "councillors_source": _source(created),
    }


def schools() -> dict[str, str]:
    """The schools programme page, its resource library and one learning resource."""
    from schools.models import (
        KeyStage,
        LearningResourcePage,
        ResourceIndexPage,
        ResourceType,
        SchoolsIndexPage,
    )

    home, site = _home_and_site()
    created = False
    programme = SchoolsIndexPage.objects.live().public().first()
    if programme is None:
        programme = _add(
            home,
            SchoolsIndexPage(
                title="Democracy Friendly Schools",
                slug="democracy-friendly-schools",
                introduction="Schools and councillors working together.",
                contact_email="schools@example.org",
            ),
        )
        created = True
    library = ResourceIndexPage.objects.live().public().descendant_of(programme).first()
    if library is None:
        library = _add(programme, ResourceIndexPage(title="Learning resources", slug="resources"))
        created = True
    resource = (
        LearningResourcePage.objects.live().public().child_of(library).order_by("path").first()
    )
    if resource is None:
        resource = LearningResourcePage(
            title="What does a councillor do?",
            slug="bench-what-does-a-councillor-do",
            summary="A lesson about what councillors do and how to reach them.",
            resource_type=ResourceType.LESSON_PLAN,
            duration_minutes=45,
            learning_objectives="Say what a councillor does.\nFind your own councillors.",
            body=_short_body(),
        )
        resource.key_stages = list(KeyStage.objects.all()[:2])
        _add(library, resource)
        created = True
    return {
        "schools_index_path": programme.relative_url(site),
        "resource_library_path": library.relative_url(site),
        "resource_path": resource.relative_url(site),
        "resource_title": resource.title,
        "schools_source": _source(created),
    }


def stories() -> dict[str, str]:
    """The story index, one published story, and the alerts sign-up page (same app)."""
    from django.urls import reverse

    from engagement.conversation.models import StoryIndexPage, StoryPage

    home, site = _home_and_site()
    created = False
    index = StoryIndexPage.objects.live().public().first()
    if index is None:
        index = _add(home, StoryIndexPage(title="Our stories, our places", slug="stories"))
        created = True
    story = StoryPage.objects.live().public().child_of(index).order_by("path").first()
    if story is None:
        story = _add(
            index,
            StoryPage(
                title="A street tidy that became a street party",
                slug="bench-street-tidy",
                summary="Neighbours cleared a street and stayed for tea.",
                body=_short_body(),
            ),
        )
        created = True
    return {
        "story_index_path": index.relative_url(site),
        "story_path": story.relative_url(site),
        "story_title": story.title,
        "alerts_path": reverse("conversation_alerts_signup"),
        "stories_source": _source(created),
    }
