"""Every export goes through the one spreadsheet safety module (home/exports.py).

Issue 11, done-when 3. Three kinds of proof:
- every admin view that can export (reports, record viewsets, the responses
  listing), found by walking the URL resolver, mixes in SafeSpreadsheetExportMixin;
- no other module defines a formula guard or writes CSV itself;
- formula-like values typed by the public come out neutralised from the
  exports, in CSV and XLSX, and from `write_csv` (the open data files).
"""

import csv
import inspect
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from home.exports import SafeSpreadsheetExportMixin, neutralise_formula, write_csv
from tests.factories.conversation import SubscriberFactory
from tests.factories.home import StandardPageFactory
from tests.helpers.forms import modules_in

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@x", "\tx", "\rx"]
APPS = ("home", "places", "engagement", "councillor_pages", "schools")


def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def _exporting_views():
    """(route, view class) for every admin URL whose view can write a spreadsheet.

    Our own view classes count whenever they can export; Wagtail's classes
    count when one of our viewsets gives them columns to export (its own
    reports, such as locked pages, export editors' page data, not the public's).
    """
    for pattern in _patterns(get_resolver()):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
            continue
        ours = view_class.__module__.split(".")[0] in APPS
        initkwargs = getattr(pattern.callback, "view_initkwargs", {})
        if initkwargs.get("list_export") or (ours and view_class.list_export):
            yield str(pattern.pattern), view_class


def _exporting_classes():
    """Every class in our apps that can write a spreadsheet (the modeladmin listing too)."""
    for name, module in modules_in(APPS).items():
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == name and issubclass(obj, SpreadsheetExportMixin):
                yield f"{name}.{obj.__qualname__}", obj


def test_every_exporting_view_uses_the_one_safety_module():
    views = list(_exporting_views())
    # Reports and record viewsets, each a page and its results fragment.
    assert len(views) >= 8, views
    unsafe = [route for route, cls in views if not issubclass(cls, SafeSpreadsheetExportMixin)]
    assert unsafe == []
    classes = dict(_exporting_classes())
    assert "engagement.wagtail_hooks.SubmissionIndexView" in classes, sorted(classes)
    unsafe = [
        name for name, cls in classes.items() if not issubclass(cls, SafeSpreadsheetExportMixin)
    ]
    assert unsafe == []


FORMULA_GUARD = re.compile(r"""startswith\(\s*\(?\s*["']=["']|["']=["']\s*,\s*["']\+["']""")
CSV_WRITER = re.compile(r"\bcsv\.(writer|DictWriter)\b")


def test_no_other_module_guards_formulas_or_writes_csv():
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path == root / "home" / "exports.py":
                continue
            text = path.read_text()
            if FORMULA_GUARD.search(text) or CSV_WRITER.search(text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


@pytest.mark.parametrize("value", DANGEROUS)
def test_write_csv_neutralises_every_cell(value):
    stream = io.StringIO()
    write_csv(stream, ["Place", "Responses"], [[value, 3], [None, value]])
    rows = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert rows == [["Place", "Responses"], ["'" + value, "3"], ["", "'" + value]]
    assert neutralise_formula(3) == 3 and neutralise_formula("plain") == "plain"


def _csv(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode(), newline="")))


def _xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
@pytest.mark.parametrize("value", DANGEROUS)
def test_public_text_comes_out_neutralised_from_the_exports(admin_client, home_page, value):
    from engagement.conversation.models import PageFeedback

    page = StandardPageFactory(title="Council tax help")
    PageFeedback.objects.create(page=page, helpful=False, comment=value)
    SubscriberFactory(email=f"{value}@example.org")
    exports = {
        reverse("conversation_feedback_comments"): "Comment",
        reverse("conversation_subscriber:index"): "Email",
    }
    for url, heading in exports.items():
        cells = [row[heading] for row in _csv(admin_client.get(url, {"export": "csv"}))]
        assert cells and all(cell.startswith("'" + value) for cell in cells), (url, cells)
        sheet = _xlsx(admin_client.get(url, {"export": "xlsx"}))
        column = sheet[0].index(heading)
        # openpyxl reads a stored carriage return back as a line break: compare what follows.
        cells = [str(row[column]) for row in sheet[1:]]
        assert cells and all(c.startswith("'") and value.strip() in c for c in cells), (url, cells)
