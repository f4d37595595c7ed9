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
