"""Every public form renders through the one GOV.UK form layer (home/forms.py).

Issue 11, done-when 3: for each public form (the list in test_hostile_input,
which fails when a new form class appears unlisted) a wrong answer is sent
and the page is read back: each field in error and the error summary must
have the same structure on every form: the same classes, hint and error ids
`<field id>-hint` / `<field id>-error`, aria-describedby listing hint then
error on the input (or on the fieldset of a radio group), and summary links
whose targets exist on the page; and each page must be valid HTML.
"""

from collections import defaultdict

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from home.forms import GovukFormMixin, GovukFormRenderer, is_fieldset
from tests.helpers.forms import form_classes_in
from tests.helpers.html import assert_valid_html
from tests.integration.test_hostile_input import (
    OUR_APPS,
    PUBLIC_FORMS,
    STAFF_FORMS,
    World,
    send,
    world,  # noqa: F401 (fixture)
)

#: What each form gets instead of its fields' values, so that some field is in
#: error. Every visible field is left empty (hidden ones, like the page a
#: feedback answer is about, are kept) and then these are added.
WRONG = {
    "PublicPlaceStandardForm": {"follow_up_email": "not an address"},
    # The finder is a GET form: with no postcode at all it only shows the page.
    "PostcodeForm": {"postcode": "not a postcode"},
}


def wrong_answer(spec, pages: World) -> dict:
    form = spec.unbound(pages)
    kept = {
        name: value
        for name, value in spec.valid(pages).items()
        if name in form.fields and form.fields[name].widget.is_hidden
    }
    return {**kept, **WRONG.get(spec.name, {})}


def test_the_project_renders_forms_through_the_one_renderer():
    assert settings.FORM_RENDERER == "home.forms.GovukFormRenderer"
    assert GovukFormRenderer.field_template_name == "forms/field.html"


def test_every_public_form_class_uses_the_one_form_mixin():
    """Listed or not, every form that is not staff-only must be a GovukFormMixin form."""
    found = form_classes_in(OUR_APPS)
    public = {name: cls for name, cls in found.items() if name not in STAFF_FORMS}
    assert public, "discovery found no public forms"
    assert {name for name, cls in public.items() if not issubclass(cls, GovukFormMixin)} == set()
    listed = {spec.form_class for spec in PUBLIC_FORMS}
    assert set(public.values()) <= listed, "list the new form in test_hostile_input.PUBLIC_FORMS"


def _classes(tag) -> tuple:
    return tuple(sorted(tag.get("class", [])))


def _children(tag) -> tuple:
    """Each child element's tag and main class (the first: modifiers like --inline aside)."""
    return tuple(
        (child.name, child.get("class", [""])[0]) for child in tag.find_all(recursive=False)
    )


def _shape(group, control) -> tuple:
    """A field's structure: the group's classes, its children, and a fieldset's children."""
    inner = _children(control) if control.name == "fieldset" else ()
    return (_classes(group), control.name, _children(group), inner)


def check_field(soup, form, name) -> tuple:
    """Assert one field in error follows the convention; return its structure for comparison."""
    bound = form[name]
    auto_id = bound.auto_id
    error = soup.find(id=f"{auto_id}-error")
    assert error is not None, f"{name}: no error message with id {auto_id}-error"
    assert error.name == "p" and _classes(error) == ("error-message",), name
    assert error.find("span", class_="visually-hidden").get_text() == "Error:", name
    for message in form.errors[name]:
        assert message in error.get_text(), (name, message)
    if is_fieldset(bound):
        control = soup.find(id=f"{auto_id}_0").find_parent("fieldset")
        assert control.find("legend", recursive=False) is not None, f"{name}: no legend"
        assert control.find(id=f"{auto_id}-error") is error, f"{name}: error outside fieldset"
    else:
        control = soup.find(id=auto_id)
        assert control.get("aria-invalid") == "true", name
        field_classes = control.get("class", [])
        if field_classes:
            assert f"{field_classes[0]}--error" in field_classes, (name, field_classes)
    described = control.get("aria-describedby", "").split()
    expected = ([f"{auto_id}-hint"] if bound.help_text else []) + [f"{auto_id}-error"]
    assert described[-len(expected) :] == expected, (name, described)
    if bound.help_text:
        hint = soup.find(id=f"{auto_id}-hint")
        assert hint is not None and _classes(hint) == ("hint",), name
    group = error.find_parent("div", class_="form-group")
    assert "form-group--error" in group["class"], name
    kind = "fieldset" if is_fieldset(bound) else bound.widget_type
    return (kind, bool(bound.help_text)), _shape(group, control)


def check_summary(soup, form) -> tuple:
    """Assert the error summary lists every error, linked to an element on the page."""
    summaries = soup.select("div.error-summary")
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"
    title = soup.find(id=summary["aria-labelledby"])
    assert title is not None and title.name == "h2"
    assert _classes(title) == ("error-summary__title",)
    links = summary.select("ul.error-summary__list > li > a")
    assert links, "the summary links to no field"
    for link in links:
        target = link["href"].removeprefix("#")
        assert soup.find(id=target) is not None, f"summary links to missing #{target}"
    field_messages = [m for name in form.errors if name in form.fields for m in form.errors[name]]
    assert sorted(link.get_text() for link in links) == sorted(field_messages)
    return (
        _classes(summary),
        title.name,
        tuple(child.name for child in summary.children if child.name),
    )


@pytest.mark.django_db
def test_every_public_form_marks_errors_the_same_way(client, world):  # noqa: F811
    shapes = defaultdict(set)
    summaries = set()
    for spec in PUBLIC_FORMS:
        response = send(client, spec, world, wrong_answer(spec, world))
        expected_status = 200 if spec.method == "get" else 400
        assert response.status_code == expected_status, (spec.name, response.status_code)
        form = response.context[spec.context_key]
        assert isinstance(form, GovukFormMixin), spec.name
        visible = [name for name in form.errors if name in form.fields]
        assert visible, f"{spec.name}: the wrong answer made no field error"
        html = response.content.decode()
        assert_valid_html(html, f"{spec.name} with errors")
        soup = BeautifulSoup(html, "html.parser")
        for name in visible:
            kind, shape = check_field(soup, form, name)
            shapes[kind].add((shape, spec.name))
        summaries.add(check_summary(soup, form))
        # Every id an aria-describedby names is on the page.
        for element in soup.select("[aria-describedby]"):
            for ref in element["aria-describedby"].split():
                assert soup.find(id=ref) is not None, (spec.name, ref)
    kinds = {kind for kind, _ in shapes}
    assert {"fieldset", "text", "checkbox"} <= kinds, (
        f"radios, text, checkbox not all covered: {kinds}"
    )
    for kind, found in shapes.items():
        distinct = {shape for shape, _ in found}
        assert len(distinct) == 1, f"{kind} fields differ between forms: {sorted(found)}"
    assert len(summaries) == 1, summaries
