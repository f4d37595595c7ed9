"""Posting to public forms the way a browser on the site itself does.

Every test that posts a public form as a citizen goes through `post_form`, so
when the site's cross-site protection asks browsers for more (a header, a
token), this is the one place that adds it.
"""

import inspect
import pkgutil
from importlib import import_module

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

SAME_ORIGIN_HEADERS = {
    "HTTP_ORIGIN": "http://testserver",
    "HTTP_SEC_FETCH_SITE": "same-origin",
    "HTTP_SEC_FETCH_MODE": "navigate",
}


def post_form(client, url, data, **extra):
    """POST `data` to `url` from a page of the site (same origin), as a form submission."""
    return client.post(url, data, **{**SAME_ORIGIN_HEADERS, **extra})


def form_classes_in(packages) -> dict[str, type]:
    """Every form class defined in `packages` ("module.Class" -> class), admin forms aside.

    Wagtail admin forms and forms in admin or wagtail_hooks modules are staff
    pages' business; everything else may face the public, so the tests that
    check public forms start from this list and fail when it grows.
    """
    found = {}
    for name, module in modules_in(packages).items():
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, forms.BaseForm)
                and not issubclass(obj, WagtailAdminModelForm)
                and obj.__module__ == name
                and not any(part in name for part in ("admin", "wagtail_hooks"))
            ):
                found[f"{name}.{obj.__qualname__}"] = obj
    return found


def modules_in(packages) -> dict:
    """Every module of `packages`, imported (migrations, commands and tests aside)."""
    modules = {}
    for app in packages:
        package = import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in module_info.name for part in ("migrations", "management", "tests")):
                continue
            modules[module_info.name] = import_module(module_info.name)
    return modules
