"""The demo content command builds a working site and is safe to run again.

`make run` calls `load_demo_content` on every start, so a second run must
create nothing and change nothing, and everything it builds must render.
"""

import datetime
import re
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site
from wagtailmenus.models import FlatMenu, FlatMenuItem, MainMenuItem

from engagement.models import (
    Moderation,
    PlaceInsight,
    PlaceStandardFormPage,
    Submission,
    ThemeScore,
)
from home.models import HomePage, OrganisationSettings, StandardPage
from places.models import PlaceIndexPage, PlacePage, Ward

ROOT = Path(__file__).resolve().parents[2]
#: Kirklees's 23 wards as (code, name), as the places data file declares them.
WARDS = [
    (row["code"], row["name"])
    for row in tomllib.loads((ROOT / "places" / "demo_content.toml").read_text())["row"]
    if row["model"] == "places.Ward"
]
#: Every table the demo writes to, compared row by row (pks, timestamps and
#: revision content included), so a second load that touched anything shows.
DEMO_APPS = ["home", "places", "engagement", "conversation", "councillor_pages", "schools"]
OTHER_TABLES = [
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Site",
    "wagtailcore.Collection",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailmenus.MainMenuItem",
    "wagtailmenus.FlatMenuItem",
    "taggit.Tag",
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the demo writes, in a form that changes if any row does."""
    settings = OrganisationSettings.objects.values().get()
    settings["social_links"] = str(settings["social_links"])
    return {
        "pages": list(
            Page.objects.order_by("path").values_list(
                "pk", "path", "slug", "title", "live", "latest_revision_id", "last_published_at"
            )
        ),
        "revisions": Revision.objects.count(),
        "sites": list(Site.objects.values_list("pk", "root_page_id", "is_default_site")),
        "wards": list(Ward.objects.values_list("pk", "code", "name")),
        "main_menu": list(MainMenuItem.objects.values_list("pk", "link_page_id", "sort_order")),
        "flat_menus": list(FlatMenuItem.objects.values_list("pk", "link_page_id", "sort_order")),
        "images": get_image_model().objects.count(),
        "responses": list(Submission.objects.values_list("pk", "status")),
        "comments": list(ThemeScore.objects.values_list("pk", "moderation", "public_comment")),
        "insights": list(PlaceInsight.objects.values_list("pk", "live", "latest_revision_id")),
        "settings": settings,
        "rows": {
            model._meta.label: [
                {key: str(value) for key, value in row.items()}
                for row in model.objects.order_by("pk").values()
            ]
            for model in demo_models()
        },
    }


def demo_models():
    """The concrete models of the demo apps (pages' own tables included) and of the tables
    the demo writes outside them."""
    for label in DEMO_APPS:
        models = apps.get_app_config(label).get_models()
        yield from (m for m in models if m._meta.managed and not m._meta.proxy)
    for label in OTHER_TABLES:
        yield apps.get_model(label)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Run the command twice, once for the whole module.

    Loading takes seconds, so the tests share one load inside a transaction
    that is rolled back afterwards; each test (through `db`) runs in a
    savepoint within it, so a test that changes things cannot affect another.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        first_output = load_demo()
        first = snapshot()
        second_output = load_demo()
        yield {
            "first": first,
            "second": snapshot(),
            "first_output": first_output,
            "output": second_output,
        }
        transaction.set_rollback(True)
    # Wagtail caches the sites' root paths; the rows behind them are gone.
    Site.clear_site_root_paths_cache()


@pytest.fixture(autouse=True)
def _test_savepoint(demo_output, db):
    """Every test runs in its own savepoint inside the module's load."""


def test_second_run_creates_and_changes_nothing(demo_output):
    first, second = demo_output["first"], demo_output["second"]
    assert first["rows"]["wagtailcore.Page"], "the snapshot must cover the pages"
    assert first["rows"]["engagement.Submission"], "and the generated rows"
    for label, rows in first["rows"].items():
        assert second["rows"][label] == rows, f"the second load changed {label}"
    assert second == first
    assert "0 created" in demo_output["output"]
    assert "already there" in demo_output["output"]
    assert "Demo content is in place." in demo_output["output"]


def test_progress_lines_are_numbered(demo_output):
    for output in (demo_output["first_output"], demo_output["output"]):
        lines = [line for line in output.splitlines() if line.startswith("[")]
        assert len(lines) >= 6
        assert lines[0].startswith("[ 1] Home page")
        numbers = [int(re.match(r"\[ *(\d+)\]", line)[1]) for line in lines]
        assert numbers == list(range(1, len(lines) + 1))
    # Each app's data file reports what it created, item kind by item kind.
    first = demo_output["first_output"]
    for name in [
        "home/demo_content.toml: standard pages: 11 created, 0 already there",
        "places/demo_content.toml: wards: 23 created",
        "places/demo_content.toml: place pages: 20 created",
        "schools/demo_content.toml: learning resource pages: 24 created",
        "schools/demo_content.toml: learning resource library pages: 1 created",
        "engagement/conversation/demo_content.toml: story pages: 4 created",
    ]:
        assert name in first, name


def test_default_site_root_is_the_home_page_and_welcome_page_is_gone(demo_output):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.live
    assert (site.hostname, site.port) == ("localhost", 80)
    page_type = ContentType.objects.get_for_model(Page)
    assert not Page.objects.filter(depth=2, content_type=page_type).exists()
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


def test_every_ward_exists_with_its_code(demo_output):
    assert len(WARDS) == 23
    assert sorted(Ward.objects.values_list("code", "name")) == sorted(WARDS)


def test_every_place_is_live_and_in_a_ward(demo_output):
    places = PlacePage.objects.all()
    assert places.count() >= 20
    assert not places.filter(live=False).exists()
    assert not places.filter(wards=None).exists()
    kirklees = PlacePage.objects.get(slug="kirklees")
    assert kirklees.wards.count() == 23
    fieldhead = PlacePage.objects.get(slug="fieldhead")
    assert fieldhead.get_parent().slug == "birstall"
    assert list(fieldhead.wards.values_list("name", flat=True)) == ["Birstall and Birkenshaw"]
    marsden = PlacePage.objects.get(slug="marsden")
    assert "slaithwaite" in marsden.neighbours.values_list("slug", flat=True)
    assert marsden.tags.filter(name="Colne Valley").exists()


def test_every_demo_page_has_exactly_one_revision_except_the_home_page(demo_output):
    for page in Page.objects.filter(depth__gt=2).specific():
        assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 1, page.title
    # The home page is published once with its content, then again by the
    # places loader when it adds the featured places.
    home = HomePage.objects.get()
    assert Revision.page_revisions.filter(object_id=str(home.pk)).count() == 2
    assert home.featured_pages.count() == 6


def test_home_page_shows_five_ways_and_featured_places(demo_output):
    home = HomePage.objects.get()
    assert [block.value["title"] for block in home.ways] == [
        "Have a voice",
        "Be part of something",
        "Be a councillor",
        "Be a good neighbour",
        "Volunteer",
    ]
    assert {item.page.slug for item in home.featured_pages.all()} >= {"ashbrow", "fieldhead"}


def test_settings_and_menus(demo_output):
    site = Site.objects.get(is_default_site=True)
    settings = OrganisationSettings.for_site(site)
    assert settings.organisation_name == "Kirklees Council"
    assert settings.email.endswith("@example.org")
    assert settings.accessibility_statement.slug == "accessibility-statement"
    assert settings.privacy_notice.slug == "privacy-notice"
    main_items = MainMenuItem.objects.filter(menu__site=site).order_by("sort_order")
    assert [item.link_page.specific_class for item in main_items][:2] == [
        PlaceIndexPage,
        StandardPage,
    ]
    footer = FlatMenu.objects.get(site=site, handle="footer")
    assert [item.link_page.slug for item in footer.menu_items.order_by("sort_order")] == [
        "local-democracy",
        "how-good-is-our-place",
        "new-citizenship-project",
    ]


def test_every_demo_page_renders(demo_output, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/places/"' in html  # main menu
    assert html.count('href="/privacy-notice/"') == 1  # footer, from the settings
    assert 'href="/local-democracy/how-good-is-our-place/"' in html  # footer menu
    demo_pages = Page.objects.live().filter(
        depth__gt=1,
        content_type__app_label__in=["home", "places"],
    )
    assert demo_pages.count() >= 33
    for page in demo_pages:
        assert client.get(page.url).status_code == 200, page.url


def test_an_editors_change_survives_a_rerun(demo_output):
    """Only missing things are created: existing pages are never overwritten."""
    page = StandardPage.objects.get(slug="our-shared-goal")
    page.title = "Our shared goal (edited)"
    page.save_revision().publish()
    MainMenuItem.objects.filter(link_page__slug="local-democracy").delete()
    load_demo()
    assert StandardPage.objects.get(slug="our-shared-goal").title == "Our shared goal (edited)"
    assert not MainMenuItem.objects.filter(link_page__slug="local-democracy").exists()


def test_demo_results_are_published_with_moderated_comments(demo_output):
    insights = PlaceInsight.objects.filter(live=True)
    assert sorted(insights.values_list("place__slug", flat=True)) == ["dewsbury", "holmfirth"]
    for insight in insights:
        assert insight.actions.count() == 3
        assert insight.highlights.count() == 2
    comments = ThemeScore.objects.exclude(comment="")
    assert comments.filter(moderation=Moderation.PENDING).exists()  # some left to moderate
    assert not comments.exclude(comment__startswith="Example comment:").exists()
    redacted = comments.get(public_comment__contains="[redacted]")
    assert "Sam Example" not in redacted.public_comment
    assert redacted.moderation_decisions.get().decision == "redacted"


def test_demo_forms_open_yesterday_for_a_year(demo_output):
    """ "@days:N" in the data counts from one moment per load, as the old loader did."""
    forms = PlaceStandardFormPage.objects.order_by("slug")
    assert [form.slug for form in forms] == ["place-standard-dewsbury", "place-standard-holmfirth"]
    for form in forms:
        assert form.is_open()
        assert form.closes_at - form.opens_at == datetime.timedelta(days=366)
