"""Who owns what, and a scanner that finds one app naming another's things.

Apps depend one way: home <- places <- engagement (with its plugin app
engagement.conversation, label ``conversation``), councillor_pages, schools.
The direction holds in templates and blocks too, so ``home`` and ``places``
may not name a feature app's models, URL names, template tag libraries or
templates. The scanner here reads source as text (and Python as a syntax
tree): it is used by tests/unit/test_app_boundaries.py and
tests/unit/test_architecture.py.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

#: Our apps, by Python package; the most specific first (conversation sits inside engagement).
APPS = ("engagement.conversation", "engagement", "councillor_pages", "schools", "places", "home")

#: What each app may depend on (besides itself): the design card's one-way arrows.
ALLOWED = {
    "home": set(),
    "places": {"home"},
    "engagement": {"home", "places"},
    "engagement.conversation": {"home", "places"},
    "councillor_pages": {"home", "places"},
    "schools": {"home", "places"},
}

#: Which app each template belongs to, by path under templates/ (first match wins).
#: home owns the frame every page shares and its own pages; places owns the place
#: pages; each feature app owns its own folders (components/insight is engagement's).
TEMPLATE_OWNERS = (
    ("base.html", "home"),
    ("403_csrf.html", "home"),
    ("404.html", "home"),
    ("500.html", "home"),
    ("includes/*", "home"),
    ("forms/*", "home"),
    ("components/blocks/*", "home"),
    ("home/*", "home"),
    ("pages/home_page.html", "home"),
    ("pages/standard_page.html", "home"),
    ("pages/search.html", "home"),
    ("pages/place_index_page.html", "places"),
    ("pages/place_page.html", "places"),
    ("pages/conversation/*", "engagement.conversation"),
    ("components/conversation/*", "engagement.conversation"),
    ("pages/engagement/*", "engagement"),
    ("pages/insight/*", "engagement"),
    ("components/engagement/*", "engagement"),
    ("components/insight/*", "engagement"),
    ("engagement/*", "engagement"),
    ("pages/councillor_pages/*", "councillor_pages"),
    ("components/councillor_pages/*", "councillor_pages"),
    ("pages/schools/*", "schools"),
    ("components/schools/*", "schools"),
)


def app_of_module(module: str) -> str | None:
    """The app a dotted module path belongs to, or None (Django, Wagtail, config...)."""
    for app in APPS:
        if module == app or module.startswith(app + "."):
            return app
    return None


def module_of_path(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def template_owner(name: str) -> str | None:
    for pattern, app in TEMPLATE_OWNERS:
        if fnmatch(name, pattern):
            return app
    return None


def python_files(app: str) -> list[Path]:
    """An app's modules, migrations aside (they record history, not dependencies).

    A sub-package that is an app of its own (engagement/conversation) is not
    part of its parent app.
    """
    folder = ROOT.joinpath(*app.split("."))
    return sorted(
        path
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts and app_of_module(module_of_path(path)) == app
    )


def template_files(app: str) -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file() and template_owner(path.relative_to(TEMPLATES).as_posix()) == app
    )


def others(app: str) -> set[str]:
    """The apps `app` may not name: every app but itself and those it depends on."""
    return set(APPS) - {app} - ALLOWED[app]


# --- What each app owns, from the running project ----------------------------------


@dataclass(frozen=True)
class Owned:
    """The names one app owns, which the apps below it may not use."""

    models: frozenset[str]  # class names
    model_refs: frozenset[str]  # "label.ModelName", lower case
    url_names: frozenset[str]
    tag_libraries: frozenset[str]
    tags: frozenset[str]  # tags and filters those libraries register
    template_prefixes: frozenset[str]  # folders under templates/


@cache
def owned() -> dict[str, Owned]:
    from django.apps import apps as registry

    urls = _url_names()
    owned = {}
    for app in APPS:
        config = next(c for c in registry.get_app_configs() if c.name == app)
        models = frozenset(model.__name__ for model in config.get_models())
        libraries, tags = _tag_libraries(app)
        owned[app] = Owned(
            models=models,
            model_refs=frozenset(f"{config.label}.{name}".lower() for name in models),
            url_names=frozenset(name for name, owner in urls if owner == app),
            tag_libraries=libraries,
            tags=tags,
            template_prefixes=frozenset(
                pattern.removesuffix("*") for pattern, owner in TEMPLATE_OWNERS if owner == app
            ),
        )
    return owned


def _url_names() -> set[tuple[str, str]]:
    """(name, owning app) for every named URL pattern the project resolves.

    The owner of an admin viewset's URLs is the app of its model (the views
    may be shared classes from home.admin_tools); otherwise it is the app of
    the view (its module, or its class's), else the app of the urlconf
    module that holds the pattern.
    """
    from django.apps import apps as registry
    from django.urls import URLPattern, URLResolver, get_resolver
    from wagtail.admin.viewsets import viewsets

    patterns = get_resolver().url_patterns  # loading the admin's URLs registers the viewsets
    viewset_owners = {}
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        model = registry.get_model(model) if isinstance(model, str) else model
        if model is not None and getattr(viewset, "name", None):
            viewset_owners[viewset.url_namespace] = app_of_module(model.__module__)
    found = set()

    def walk(patterns, namespace, urlconf_app, viewset_app):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = pattern.urlconf_name
                module = module if isinstance(module, str) else getattr(module, "__name__", "")
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                inner = viewset_owners.get(pattern.namespace or "") or viewset_app
                walk(pattern.url_patterns, ns, app_of_module(module) or urlconf_app, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view = getattr(pattern.callback, "view_class", pattern.callback)
                view_app = app_of_module(getattr(view, "__module__", ""))
                owner = viewset_app or view_app or urlconf_app
                if owner:
                    found.add((namespace + pattern.name, owner))

    walk(patterns, "", None, None)
    return found


def _tag_libraries(app: str) -> tuple[frozenset[str], frozenset[str]]:
    folder = ROOT.joinpath(*app.split("."), "templatetags")
    libraries, tags = set(), set()
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
        if path.stem == "__init__":
            continue
        libraries.add(path.stem)
        register = import_module(module_of_path(path)).register
        tags |= set(register.tags) | set(register.filters)
    return frozenset(libraries), frozenset(tags)


# --- The scanner ----------------------------------------------------------------------

COMPOUND_NAME = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$")
LOAD = re.compile(r"{%-?\s*load\s+([^%]*?)\s*-?%}")
TAG = re.compile(r"{%-?\s*(\w+)")
FILTER = re.compile(r"\|\s*(\w+)")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    owner: str
    what: str

    def __str__(self):
        return f"{self.path}:{self.line}: names {self.owner}'s {self.what}"


def scan_text(text: str, forbidden: Iterable[str], *, path: str = "<text>", python=None):
    """Every place `text` names a thing owned by one of the `forbidden` apps.

    `python` (default: by the path's suffix) also reads the text as Python,
    so imports and identifiers count; templates are read for `{% load %}`,
    tags and filters. Both are searched for model references
    ("label.Model"), compound model class names, package paths
    ("engagement.x"), quoted URL names and template paths.
    """
    python = path.endswith(".py") if python is None else python
    found: list[Finding] = []
    lines = text.splitlines()

    def add(line: int, owner: str, what: str):
        found.append(Finding(path, line, owner, what))

    for app in sorted(forbidden):
        own = owned()[app]
        package = re.escape(app) + r"\.[A-Za-z_]"
        for number, line in enumerate(lines, 1):
            lower = line.lower()
            for ref in own.model_refs:
                if re.search(rf"\b{re.escape(ref)}\b", lower):
                    add(number, app, f"model {ref}")
            for model in own.models:
                if COMPOUND_NAME.match(model) and re.search(rf"\b{model}\b", line):
                    add(number, app, f"model {model}")
            if re.search(rf"(?<![\w.]){package}", line):
                add(number, app, f"package {app}")
            for name in own.url_names:
                if re.search(rf"[\"']{re.escape(name)}[\"']", line):
                    add(number, app, f"URL name {name}")
            for prefix in own.template_prefixes:
                if re.search(rf"[\"']{re.escape(prefix)}", line):
                    add(number, app, f"template {prefix}...")
            if not python:
                for libraries in LOAD.findall(line):
                    for library in set(libraries.split()) & own.tag_libraries:
                        add(number, app, f"tag library {library}")
                for tag in set(TAG.findall(line)) | set(FILTER.findall(line)):
                    if tag in own.tags:
                        add(number, app, f"tag {tag}")
        if python:
            for node in ast.walk(ast.parse(text)):
                for module in _imported(node):
                    if app_of_module(module) == app:
                        add(node.lineno, app, f"module {module}")
                name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
                if isinstance(node, ast.Name | ast.Attribute) and name in own.models:
                    add(node.lineno, app, f"model {name}")
    return sorted(set(found), key=lambda f: (f.line, f.owner, f.what))


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def imports_of(path: Path) -> set[str]:
    """The modules a Python file imports (absolute imports, at any depth)."""
    tree = ast.parse(path.read_text())
    return {module for node in ast.walk(tree) for module in _imported(node)}


def scan_app(app: str) -> list[Finding]:
    """Everything `app`'s modules and templates name that belongs to apps it may not use."""
    forbidden = others(app)
    found = []
    for path in [*python_files(app), *template_files(app)]:
        found += scan_text(path.read_text(), forbidden, path=str(path.relative_to(ROOT)))
    return found


# --- Hooks: who provides and who consumes each one -------------------------------------

CONSUMER_CALLS = {
    "collect_items",
    "collect_each",
    "collect_sections",
    "render_sections",
    "get_hooks",
}


def _called_name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def hook_uses(constants: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    """{hook name: {"providers": modules, "consumers": modules}} found in our apps' code.

    `constants` maps each contract constant's name to its hook name. A provider
    calls `hooks.register(CONSTANT, ...)` (or decorates with it); a consumer
    passes the constant to `collect_items`, `collect_each`, `collect_sections`,
    `render_sections` or `get_hooks`.
    """
    uses = {name: {"providers": set(), "consumers": set()} for name in constants.values()}
    for app in APPS:
        for path in python_files(app):
            module = module_of_path(path)
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                constant = _called_name(node.args[0])
                if constant not in constants:
                    continue
                called = _called_name(node.func)
                if called == "register":
                    uses[constants[constant]]["providers"].add(module)
                elif called in CONSUMER_CALLS:
                    uses[constants[constant]]["consumers"].add(module)
    return uses


def hook_name_literals(hook_names: Iterable[str]) -> list[str]:
    """Where a hook name is written as a string in our apps' code or templates."""
    wanted = set(hook_names)
    found = []
    for app in APPS:
        for path in python_files(app):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and node.value in wanted:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    for path in TEMPLATES.rglob("*.html"):
        for name in wanted:
            if name in path.read_text():
                found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


def import_edges() -> dict[tuple[str, str], set[str]]:
    """{(app, app it imports): the modules that do} over our apps' code, migrations aside."""
    edges: dict[tuple[str, str], set[str]] = {}
    for app in APPS:
        for path in python_files(app):
            for module in imports_of(path):
                target = app_of_module(module)
                if target and target != app:
                    edges.setdefault((app, target), set()).add(module_of_path(path))
    return edges
