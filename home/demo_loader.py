"""Load demo content from an app's data file, `<app>/demo_content.toml`.

Demo content is data, not code: each app keeps its pages and rows in TOML
(read with the standard library's tomllib) and its `demo.py` keeps only what
must be computed (drawn images, generated files, example responses).

A data file has two kinds of item, rows first, each in file order:

- `[[row]]`: `model` is the model's label, `key` the fields that find it.
- `[[page]]`: `path` is the slug path from the home page (the parent must be
  loaded first), `type` the page model's label; `find = "type"` finds an
  existing page of that type anywhere (singletons), `find = "slug"` one with
  that slug anywhere; `menu = true` (or a position) adds a newly created page
  to the main menu. Every other key is a model field. StreamFields are in
  their stored form, a list of `{type, value}`.

References are strings `"@kind:key"` (see BUILT_IN); in rich text a page
link is `<a linktype="page" id="@page:/path">`. `"@days:N"` is now plus N days
and `"@none"` an empty value (TOML has no null), e.g. a chooser left empty.

Idempotent: an item is found by its stable key and created only when
missing, never overwritten, so an editor's changes survive `make run`. New
pages are saved as drafts first, then filled in (their StreamFields may link
to any page of the file) and published with one revision.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtailmenus.models import MainMenu, MainMenuItem

#: Reference kinds every data file may use besides "@page:", "@days:" and
#: "@none"; a file declares the kinds of its own apps in `[references]`, as
#: `kind = { model = "<app label>.<Model>", field = "<lookup field>" }`, so
#: home names no feature app.
BUILT_IN = {
    "image": {"model": "wagtailimages.Image", "field": "title"},
    "collection": {"model": "wagtailcore.Collection", "field": "name"},
}
REFERENCE = re.compile(r"^@(\w+):(.+)$", re.S)
PAGE_LINK = re.compile(r'(linktype="page" id=")@page:([^"]*)(")')
PAGE_KEYS = {"path", "type", "find", "menu"}
ROW_KEYS = {"model", "key"}
#: Stands in for a required StreamField while a new page is a draft.
DRAFT_BODY = [{"type": "paragraph", "value": "<p>This page is being prepared.</p>"}]


class DemoDataError(Exception):
    """Malformed demo data: the message names the file, the item and the field."""


class Missing(Exception):
    """A reference to something not in the database (an item that needs it is skipped)."""


def data_file(module_file: str) -> Path:
    return Path(module_file).resolve().parent / "demo_content.toml"


def read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DemoDataError(f"{path}: {error}") from error


def home_page():
    from home.models import HomePage

    return HomePage.objects.first()


def default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()


def find_path(path: str) -> Page | None:
    """The page at `path`, a slug path from the home page ("" is the home page)."""
    page = home_page()
    for slug in filter(None, path.strip("/").split("/")):
        page = page and page.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def publish(page: Page) -> None:
    """Publish the page's current state as a revision, then reload it."""
    page.save_revision().publish()
    page.refresh_from_db()


def ensure_main_menu_item(page: Page, *, position: int | None = None):
    """Add `page` to the default site's main menu unless an item links to it.

    `position` puts it at that index (others renumbered); by default it goes
    last. Only for a page just created, so an item an editor removed stays removed.
    """
    site = default_site()
    if site is None:
        return None
    menu = MainMenu.get_for_site(site)
    items = list(MainMenuItem.objects.filter(menu=menu).order_by("sort_order", "pk"))
    if any(item.link_page_id == page.pk for item in items):
        return None
    new_item = MainMenuItem(menu=menu, link_page=page)
    items.insert(len(items) if position is None else min(position, len(items)), new_item)
    for index, item in enumerate(items):
        if item.pk is None or item.sort_order != index:
            item.sort_order = index
            item.save()
    return new_item


def resolve(value, data: AppData | None = None):
    """`value` with every reference replaced by what it names (a page link by the page's id).

    `data` is the file being loaded: its reference kinds, its pages by path
    (found or created in this run) and the one moment its "@days:N" count from.
    """
    if isinstance(value, list):
        return [resolve(item, data) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, data) for key, item in value.items()}
    if value == "@none":
        return None
    if not isinstance(value, str):
        return value
    pages = data.pages if data else {}
    if "@page:" in value and PAGE_LINK.search(value):
        return PAGE_LINK.sub(lambda m: f"{m[1]}{_page(m[2], pages).pk}{m[3]}", value)
    match = REFERENCE.match(value)
    if match is None:
        return value
    kind, key = match.groups()
    if kind == "page":
        return _page(key, pages)
    if kind == "days":
        return (data.now if data else timezone.now()) + datetime.timedelta(days=int(key))
    kinds = {**BUILT_IN, **(data.data.get("references", {}) if data else {})}
    if kind not in kinds:
        known = ", ".join(["page", "days", *kinds])
        raise DemoDataError(
            f"unknown reference kind '@{kind}:' (known: {known}; add it to [references])"
        )
    label = kinds[kind]["model"]
    model = get_image_model() if label == "wagtailimages.Image" else apps.get_model(label)
    found = model.objects.filter(**{kinds[kind]["field"]: key}).first()
    if found is None:
        raise Missing(value)
    return found.specific if isinstance(found, Page) else found


def resolve_all(references: list, data: AppData | None = None) -> list:
    """The objects `references` name, leaving out those that are missing."""
    found = []
    for reference in references:
        with contextlib.suppress(Missing):
            found.append(resolve(reference, data))
    return found


def _page(path, pages):
    page = pages.get(path.strip("/")) or find_path(path)
    if page is None:
        raise Missing(f"@page:{path}")
    return page


def stream_pks(value):
    """Resolved StreamField data in its stored form: objects replaced by their pks."""
    if isinstance(value, list):
        return [stream_pks(item) for item in value]
    if isinstance(value, dict):
        return {key: stream_pks(item) for key, item in value.items()}
    return value.pk if isinstance(value, models.Model) else value


class AppData:
    """One app's data file, loaded item by item with progress lines."""

    def __init__(self, module_file: str, step):
        self.path = data_file(module_file)
        root = Path(apps.get_app_config("home").path).parent
        self.name = str(
            self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        )
        self.step = step
        self.data = read(self.path)
        self.pages: dict[str, Page] = {}
        self.now = timezone.now()

    def error(self, item: str, field: str, problem) -> DemoDataError:
        return DemoDataError(f"{self.name}: item '{item}', field '{field}': {problem}")

    def model(self, item: str, label, field: str) -> type[models.Model]:
        try:
            return apps.get_model(label)
        except (LookupError, ValueError, TypeError) as error:
            raise self.error(item, field, error) from error

    def field(self, model, item: str, name: str):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise self.error(item, name, f"{model.__name__} has no such field") from error

    def assign(self, obj, item: str, values: dict, *, later: bool) -> None:
        """Set fields on `obj`: plain ones and foreign keys now, the rest `later`.

        A missing reference in a list is left out; elsewhere it raises Missing.
        """
        for name, raw in values.items():
            field = self.field(type(obj), item, name)
            if (field.many_to_many or isinstance(field, StreamField)) != later:
                continue
            try:
                if field.many_to_many:
                    value = resolve_all(raw if isinstance(raw, list) else [raw], self)
                else:
                    value = resolve(raw, self)
                if isinstance(field, StreamField):
                    self.check_stream(field, value, item)
                    value = stream_pks(value)
                elif not field.is_relation:
                    value = field.to_python(value)
                if field.many_to_many and not isinstance(field, ParentalManyToManyField):
                    getattr(obj, name).set(value)  # tags, or a saved row's relation
                else:
                    setattr(obj, name, value)
            except DemoDataError as error:
                raise self.error(item, name, error) from error
            except (TypeError, ValueError, AttributeError, LookupError, FieldError) as error:
                raise self.error(item, name, error) from error
            except ValidationError as error:
                raise self.error(item, name, getattr(error, "messages", error)) from error

    def check_stream(self, field, value, item) -> None:
        if not isinstance(value, list):
            raise self.error(item, field.name, "a StreamField is a list of {type, value}")
        known = field.stream_block.child_blocks
        for position, block in enumerate(value):
            where = f"{field.name}[{position}]"
            if not isinstance(block, dict) or block.get("type") not in known:
                raise self.error(item, where, f"unknown block (known: {', '.join(known)})")
            children = getattr(known[block["type"]], "child_blocks", None) or {}
            value = block.get("value")
            if children and isinstance(value, dict) and (unknown := set(value) - set(children)):
                raise self.error(item, where, f"unknown in {block['type']}: {sorted(unknown)}")

    # Pages ----------------------------------------------------------------------

    def find_page(self, model, entry, parent) -> Page | None:
        slug = entry["path"].rsplit("/", 1)[-1]
        home = home_page()
        if entry.get("find") == "type":
            found = model.objects.descendant_of(home).first()
        elif entry.get("find") == "slug":
            found = model.objects.filter(slug=slug).first()
        else:
            found = parent and parent.get_children().filter(slug=slug).first()
        return found.specific if found is not None else None

    def load_pages(self, *, only=None, before_publish=None) -> dict[str, tuple[Page, bool]]:
        """Find or create every `[[page]]`; returns {path: (page, created)}."""
        if home_page() is None:
            self.step(f"{self.name}: no home page yet, so no pages")
            return {}
        result, created, counts = {}, [], {}
        for entry in self.data.get("page", []):
            item = entry.get("path", "?")
            if only is not None and item not in only:
                continue
            if "path" not in entry or "type" not in entry:
                raise self.error(item, "path" if "path" not in entry else "type", "is required")
            model = self.model(item, entry["type"], "type")
            if not issubclass(model, Page):
                raise self.error(item, "type", f"{entry['type']} is not a page type")
            path = entry["path"].strip("/")
            parent_path = path.rpartition("/")[0]
            parent = self.pages.get(parent_path) or find_path(parent_path)
            label = model._meta.verbose_name.removesuffix(" page") + " pages"
            count = counts.setdefault(label, [0, 0, []])
            page = self.find_page(model, entry, parent)
            is_new = page is None
            if page is None and parent is None:
                count[2].append(f"{item} (no parent page)")
                continue
            if page is None:
                fields = {k: v for k, v in entry.items() if k not in PAGE_KEYS}
                page = model(slug=path.rsplit("/", 1)[-1], live=False)
                for name in fields:
                    field = self.field(model, item, name)
                    if isinstance(field, StreamField) and not field.blank:
                        setattr(page, name, DRAFT_BODY)
                try:
                    self.assign(page, item, fields, later=False)
                except Missing as missing:
                    count[2].append(f"{item} ({missing} is missing)")
                    continue
                parent.add_child(instance=page)
                created.append((page, entry, fields))
            count[0 if is_new else 1] += 1
            self.pages[path] = page
            result[path] = (page, is_new)
        for page, entry, fields in created:
            self.assign(page, entry["path"], fields, later=True)
            if before_publish is not None:
                before_publish(page, entry)
            publish(page)
            if (menu := entry.get("menu")) is not None:
                ensure_main_menu_item(page, position=None if menu is True else menu)
        self.report(counts)
        return result

    def report(self, counts: dict) -> None:
        """One progress line per kind of item: {label: [created, already there, skipped]}."""
        for label, (made, there, skipped) in counts.items():
            note = f". Skipped {', '.join(skipped)}" if skipped else ""
            self.step(f"{self.name}: {label}: {made} created, {there} already there{note}")

    # Rows -------------------------------------------------------------------------

    def load_rows(self) -> None:
        counts = {}
        for position, entry in enumerate(self.data.get("row", [])):
            item = f"row {position + 1}"
            model = self.model(item, entry.get("model"), "model")
            fields = {k: v for k, v in entry.items() if k not in ROW_KEYS}
            keys = entry.get("key") or [next(iter(fields), "?")]
            item = f"{model.__name__} " + ", ".join(str(fields.get(k, "?")) for k in keys)
            count = counts.setdefault(model._meta.verbose_name_plural, [0, 0, []])
            obj = model()
            try:
                self.assign(obj, item, fields, later=False)
            except Missing as missing:
                count[2].append(f"{item} ({missing} is missing)")
                continue
            for name in keys:
                if name not in fields:
                    raise self.error(item, "key", f"names '{name}', which the row does not set")
            unique = [f.name for f in model._meta.fields if f.unique and f.name in fields]
            lookup = {name: getattr(obj, self.field(model, item, name).name) for name in keys}
            if model.objects.filter(**lookup).exists() or any(
                model.objects.filter(**{name: getattr(obj, name)}).exists() for name in unique
            ):
                count[1] += 1
                continue
            try:
                obj.full_clean(validate_unique=False)
            except ValidationError as error:
                raise self.error(item, ", ".join(error.message_dict), error.messages) from error
            obj.save()
            self.assign(obj, item, fields, later=True)
            count[0] += 1
        self.report(counts)


def load(module_file: str, step, **options) -> dict[str, tuple[Page, bool]]:
    """Load the data file next to `module_file`: its rows, then its pages."""
    data = AppData(module_file, step)
    data.load_rows()
    return data.load_pages(**options)
