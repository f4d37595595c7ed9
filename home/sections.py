"""Sections other apps give a page (home.contracts), each rendered and cached on its own.

A place page shows results, councillors, stories... from apps it may not
import. Each section's provider declares its key (`@provides`), so the page
knows what it will show before calling anyone: a section whose fragment is
still valid is served as it was, and its provider is not run. Each is
stored under:

- the page's own `page:<id>` (its title, wards and tags feed every section);
- `section:<key>:<page id>`, renewed by the events that change that section
  on that page (a story about the place approved, its results published);
- `section:<key>`, renewed by events that change it everywhere (the story
  index moved).

so an event about stories rebuilds the stories section only, and a busy
engagement whose public figures move every few responses rebuilds only the
results section, never the councillors or the stories.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from home import fragments
from home.contracts import build_section, section_providers


def render_section(section, page, request) -> str:
    if section is None:
        return ""
    return render_to_string(
        section.template, {"section": section.context, "page": page, "self": page}, request
    )


def render_sections(hook_name: str, page, request) -> list[str]:
    """The HTML of every section for `page`, in the declared order, each cached on its own."""
    rendered = []
    for key, provider in section_providers(hook_name):
        names = {
            fragments.page_name(page.pk),
            fragments.section_name(key, page.pk),
            fragments.section_name(key),
        }

        def build(key=key, provider=provider):
            return render_section(
                build_section(hook_name, key, provider, page, request), page, request
            )

        html = fragments.cached(
            request,
            fragments.make_key(
                fragments.FRAGMENT,
                "section",
                key.value,
                f"{provider.__module__}.{provider.__qualname__}",
                page.pk,
            ),
            names,
            build,
        )
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 (rendered by our own templates)
    return rendered
