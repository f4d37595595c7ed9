"""Malformed demo data stops the load with an error naming the file, the item and the field.

The data files are edited by hand; a typo must point at itself, not fail
somewhere inside Wagtail or load half a page.
"""

import tomllib
from pathlib import Path

import pytest

from home import demo_loader
from home.models import StandardPage
from places.models import Ward

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path, text):
    """Load `text` as a data file next to a fake `demo.py`; returns the progress lines."""
    (tmp_path / "demo_content.toml").write_text(text)
    steps = []
    demo_loader.load(str(tmp_path / "demo.py"), steps.append)
    return steps


def error_for(tmp_path, text) -> str:
    with pytest.raises(demo_loader.DemoDataError) as raised:
        load(tmp_path, text)
    return str(raised.value)


PAGE = """
[[page]]
path = "about"
type = "home.StandardPage"
title = "About"
"""


WARD = '[references]\nward = { model = "places.Ward", field = "name" }\n'


def test_a_page_and_its_body_load_once(tmp_path, home_page):
    text = (
        PAGE
        + """
[[page.body]]
type = "paragraph"
value = '<p>See <a linktype="page" id="@page:/about">this page</a>.</p>'
"""
    )
    assert load(tmp_path, text) == [
        f"{tmp_path}/demo_content.toml: standard pages: 1 created, 0 already there"
    ]
    page = StandardPage.objects.get(slug="about")
    assert page.live and page.get_parent().pk == home_page.pk
    assert (
        page.body.raw_data[0]["value"]
        == f'<p>See <a linktype="page" id="{page.pk}">this page</a>.</p>'
    )
    assert "0 created, 1 already there" in load(tmp_path, text)[0]


def test_an_unknown_field_names_file_item_and_field(tmp_path, home_page):
    message = error_for(tmp_path, PAGE + 'subtitle = "Nope"\n')
    assert str(tmp_path / "demo_content.toml") in message
    assert "item 'about'" in message
    assert "field 'subtitle'" in message
    assert not StandardPage.objects.filter(slug="about").exists()


def test_an_unknown_block_names_its_position(tmp_path, home_page):
    text = PAGE + '[[page.body]]\ntype = "no_such_block"\nvalue = {}\n'
    message = error_for(tmp_path, text)
    assert "item 'about'" in message and "field 'body[0]'" in message
    assert "unknown block" in message


def test_an_unknown_key_inside_a_block(tmp_path, home_page):
    text = PAGE + '[[page.body]]\ntype = "heading"\nvalue = { text = "Hi", levle = "h2" }\n'
    message = error_for(tmp_path, text)
    assert "field 'body[0]'" in message and "levle" in message


def test_a_required_field_left_out_is_named(tmp_path, db):
    Ward.objects.create(code="E1", name="Somewhere")
    text = WARD + '[[row]]\nmodel = "schools.School"\nname = "X"\nward = "@ward:Somewhere"\n'
    message = error_for(tmp_path, text + 'phase = "primary"\nstatus = "taking-part"\n')
    assert "item 'School X'" in message and "field 'status_date'" in message


def test_a_bad_value_and_a_bad_row_model(tmp_path, db):
    message = error_for(
        tmp_path,
        '[[row]]\nmodel = "schools.School"\nkey = ["name"]\nname = "X"\nstatus_date = "soon"\n',
    )
    assert "item 'School X'" in message and "field 'status_date'" in message
    message = error_for(tmp_path, '[[row]]\nmodel = "places.Nowhere"\nname = "X"\n')
    assert "item 'row 1'" in message and "field 'model'" in message


def test_an_unknown_reference_kind(tmp_path, db):
    message = error_for(
        tmp_path, '[[row]]\nmodel = "schools.School"\nname = "X"\nward = "@district:Kirklees"\n'
    )
    assert "field 'ward'" in message and "unknown reference kind '@district:'" in message
    assert "add it to [references]" in message


def test_a_malformed_reference_kind_is_named(tmp_path, db):
    text = '[references]\nward = { model = "places.Wards", field = "name" }\n'
    message = error_for(
        tmp_path, text + '[[row]]\nmodel = "schools.School"\nname = "X"\nward = "@ward:A"\n'
    )
    assert "item 'School X'" in message and "field 'ward'" in message and "Wards" in message


def test_a_typo_in_the_home_page_section_is_named(tmp_path, db, monkeypatch):
    from home import demo

    text = (ROOT / "home" / "demo_content.toml").read_text()
    (tmp_path / "demo_content.toml").write_text(text.replace("hero_intro =", "hero_intr =", 1))
    monkeypatch.setattr(demo, "__file__", str(tmp_path / "demo.py"))
    with pytest.raises(demo_loader.DemoDataError, match="item 'home', field 'hero_intr'"):
        demo.load(print)


def test_a_syntax_error_names_the_file(tmp_path, db):
    message = error_for(tmp_path, "[[page]\n")
    assert str(tmp_path / "demo_content.toml") in message


def test_a_row_with_a_missing_reference_is_skipped_and_said(tmp_path, db):
    text = WARD + '[[row]]\nmodel = "schools.School"\nname = "X"\nward = "@ward:Nowhere"\n'
    steps = load(tmp_path, text)
    assert "Skipped School X (@ward:Nowhere is missing)" in steps[0]
    Ward.objects.create(code="E1", name="Nowhere")
    assert (
        "1 created"
        in load(
            tmp_path, text + 'phase = "primary"\nstatus = "taking-part"\nstatus_date = 2022-03-01\n'
        )[0]
    )


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("*/demo_content.toml")) + sorted(ROOT.glob("*/*/demo_content.toml"))
)
def test_the_demo_data_does_not_use_the_place_standard_form_block(path):
    """That block is going away (issue 11); the demo links to form pages instead."""
    assert "place_standard_form" not in path.read_text()
    tomllib.loads(path.read_text())  # and every data file parses
