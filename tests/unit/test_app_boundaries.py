"""home and places name no feature app's models, URL names, template tags or templates.

Apps depend one way (home <- places <- engagement, engagement.conversation,
councillor_pages, schools), in templates and blocks too: other apps hand
their pieces over through home.contracts. Which templates belong to which
app is declared in tests/helpers/app_boundaries.py (TEMPLATE_OWNERS):
home owns base.html, the error pages, includes/, forms/, components/blocks/,
home/ (sign-in) and the home, standard and search pages; places owns the
place index and place pages. Migrations are history and are not read.
"""

import pytest

from tests.helpers.app_boundaries import (
    ROOT,
    TEMPLATES,
    owned,
    python_files,
    scan_app,
    scan_text,
    template_files,
    template_owner,
)


@pytest.mark.parametrize("app", ["home", "places"])
def test_app_names_nothing_of_the_apps_above_it(app):
    findings = scan_app(app)
    assert not findings, "\n".join(map(str, findings))


def test_the_scan_reads_the_files_that_matter():
    home = {path.relative_to(ROOT).as_posix() for path in python_files("home")}
    assert {"home/contracts.py", "home/blocks.py", "home/models.py"} <= home
    assert not any("/migrations/" in path for path in home)
    assert "places/models.py" in {p.relative_to(ROOT).as_posix() for p in python_files("places")}
    templates = {path.relative_to(TEMPLATES).as_posix() for path in template_files("home")}
    assert {"base.html", "404.html", "includes/footer.html", "pages/home_page.html"} <= templates
    assert "pages/place_page.html" in {
        path.relative_to(TEMPLATES).as_posix() for path in template_files("places")
    }


def test_every_template_has_an_owner():
    unowned = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*")
        if path.is_file() and template_owner(path.relative_to(TEMPLATES).as_posix()) is None
    ]
    assert not unowned, f"Say which app owns these in TEMPLATE_OWNERS: {unowned}"


def test_what_the_feature_apps_own_is_found_from_the_project():
    """The scan cannot pass for want of names: these come from the resolver, the
    app registry and the templatetags modules, not from a list kept by hand."""
    conversation, engagement = owned()["engagement.conversation"], owned()["engagement"]
    assert "conversation_feedback" in conversation.url_names
    assert "insight_overview" in engagement.url_names
    assert "engagement_followupcontact:index" in engagement.url_names  # a shared record view
    assert "engagement_tags" in engagement.tag_libraries
    assert "place_standard_form" in engagement.tags
    assert "PlaceStandardFormPage" in engagement.models
    assert "schools.schoolsindexpage" in owned()["schools"].model_refs
    assert "components/insight/" in engagement.template_prefixes
    assert "search" in owned()["home"].url_names


FEATURES = {"engagement", "engagement.conversation", "councillor_pages", "schools"}


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("home/x.py", "from engagement.models import PlaceInsight\n", "module engagement.models"),
        ("home/x.py", "import schools.notifications\n", "module schools.notifications"),
        ("home/x.py", 'page_type = "engagement.PlaceStandardFormPage"\n', "model engagement."),
        ("home/x.py", 'parent_page_types = ["schools.SchoolsIndexPage"]\n', "model schools."),
        ("home/x.py", "x = Submission.objects.count()\n", "model Submission"),
        ("home/x.py", '"""Shows a PlaceStandardFormPage inline."""\n', "model PlaceStandardForm"),
        ("home/x.py", '"""See engagement.ward_hooks."""\n', "package engagement"),
        ("home/x.py", 'url = reverse("conversation_feedback")\n', "URL name conversation_f"),
        ("home/x.py", 'render("components/conversation/helpful.html")\n', "template components/c"),
        ("x.html", "{% url 'conversation_feedback' %}", "URL name conversation_feedback"),
        ("x.html", "{% load static engagement_tags %}", "tag library engagement_tags"),
        ("x.html", "{% place_standard_form value %}", "tag place_standard_form"),
        ("x.html", '{% include "components/insight/confidence.html" %}', "template components/i"),
        ("x.html", '{% include "pages/schools/resource.html" %}', "template pages/schools/"),
    ],
)
def test_the_scanner_finds_a_feature_app_named(path, text, expected):
    findings = scan_text(text, FEATURES, path=path)
    assert any(str(finding).split("'s ", 1)[1].startswith(expected) for finding in findings), (
        findings
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("home/x.py", '"""Ward councillors hear about engagement. It is a conversation."""\n'),
        ("home/x.py", "from home.contracts import PLACE_PAGE_SECTIONS\n"),
        ("x.html", "{% load wagtailcore_tags home_tags %}{% url 'search' %}"),
        ("x.html", '{% include "includes/footer.html" %}{{ submission_count }}'),
    ],
)
def test_the_scanner_lets_home_alone(path, text):
    assert scan_text(text, FEATURES, path=path) == []


def test_places_may_name_home_but_home_may_not_name_places():
    assert scan_text("from places.models import PlacePage\n", {"places"}, path="home/x.py")
    assert scan_text('x = "places.Ward"\n', {"places"}, path="home/x.py")
    home_named = 'from home.models import StandardPage\nx = "home.HomePage"\n'
    assert scan_text(home_named, {"engagement", "schools"}, path="places/x.py") == []
