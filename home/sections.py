"""Page sections contributed by other apps through Wagtail hooks.

A page that "brings things together" (the home page, a place page) must not
import the apps that fill it: dependencies run one way, home <- places <- the
rest. Instead each app registers a hook function that returns a `Section` (or
None) for a page, and the page renders whatever sections come back, in order.
Each hook function must use a bounded number of queries.
"""

from dataclasses import dataclass, field

from wagtail import hooks


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def collect_sections(hook_name: str, page, request) -> list[Section]:
    sections = [section for fn in hooks.get_hooks(hook_name) if (section := fn(page, request))]
    return sorted(sections, key=lambda section: section.order)
