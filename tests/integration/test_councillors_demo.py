"""The councillor demo content: built with the imports, idempotent, clearly marked examples."""

import csv
import io

import pytest
from wagtailmenus.models import MainMenuItem

from councillor_pages import demo
from councillor_pages.models import CouncillorIndexPage, CouncillorPage, Postcode
from places.models import Ward

pytestmark = pytest.mark.django_db


def _load():
    lines = []
    demo.load(lines.append)
    return lines


def _wards_from_sample_data():
    with (demo.DATA / "sample-postcodes.csv").open() as handle:
        codes = {row["wd21cd"] for row in csv.DictReader(handle)}
    for n, code in enumerate(sorted(codes)):
        Ward.objects.get_or_create(code=code, defaults={"name": f"Demo ward {n}"})
    return codes


def test_demo_builds_the_index_councillors_and_lookup_and_a_second_run_changes_nothing(
    home_page,
):
    pytest.importorskip("home.demo_loader")  # the foundation's demo loader
    codes = _wards_from_sample_data()
    lines = _load()

    index = CouncillorIndexPage.objects.get(slug=demo.INDEX_SLUG)
    assert index.live and index.get_parent().pk == home_page.pk
    assert MainMenuItem.objects.filter(link_page=index).count() == 1
    councillors = CouncillorPage.objects.child_of(index).live()
    assert councillors.count() == 71
    named = {c.title: c for c in councillors.filter(title__in=["Cathy Scott", "Paul Davies"])}
    assert set(named) == {"Cathy Scott", "Paul Davies"}
    assert named["Paul Davies"].roles.get().title == "Access to Services"
    assert named["Cathy Scott"].portfolio_roles
    examples = councillors.exclude(title__in=named)
    assert all(c.title.endswith(" Example") for c in examples)
    assert all(c.email.endswith("@example.org") for c in examples)
    assert all(c.surgeries.count() == 1 for c in examples)
    for code in codes:
        assert examples.filter(ward__code=code).count() == 3
    assert Postcode.objects.count() == 184
    assert any("184 imported" in line for line in lines)

    snapshot = sorted(councillors.values_list("pk", "latest_revision_id"))
    lines = _load()
    assert sorted(councillors.values_list("pk", "latest_revision_id")) == snapshot
    assert MainMenuItem.objects.filter(link_page=index).count() == 1
    assert any("0 created, 0 updated, 71 unchanged" in line for line in lines)
    assert any("0 imported" in line for line in lines)


def test_the_sample_postcodes_are_clearly_not_real(home_page):
    """Every inward code ends in letters Royal Mail never uses, so none is a real address."""
    with (demo.DATA / "sample-postcodes.csv").open() as handle:
        postcodes = [row["pcds"] for row in csv.DictReader(io.StringIO(handle.read()))]
    assert len(postcodes) == 184
    assert all(set(postcode[-2:]) & set("CIKMOV") for postcode in postcodes)
