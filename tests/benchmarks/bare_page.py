"""The bare reference page that `make bench` measures every other page against.

It is Wagtail's own welcome page, the one `wagtail start` gives a new site,
rendered by a plain Django view: the same gunicorn workers and middleware as
our pages, but no database queries, no page tree and no StreamField. A page's
figures divided by this page's figures say what our code costs on top of the
framework. config/urls.py routes to it only when BENCHMARK_ROUTES is on.

Wagtail 8 ships no `wagtailcore/welcome_page.html`; the welcome page lives in
its project template, with its tags escaped by `{% templatetag %}` so that
`wagtail start` copies them through. Rendering the file once turns it back into
the template a new project would have.
"""

from functools import cache
from pathlib import Path

import wagtail
from django.http import HttpResponse
from django.template import Context, Engine, engines

WELCOME_TEMPLATE = (
    Path(wagtail.__file__).resolve().parent
    / "project_template"
    / "home"
    / "templates"
    / "home"
    / "welcome_page.html"
)

# The welcome page is a fragment of a new project's home page; this is the
# least of a document around it.
DOCUMENT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Welcome to your new Wagtail site!</title></head>
<body>
{fragment}
</body>
</html>
"""


@cache
def welcome_template():
    escaped = WELCOME_TEMPLATE.read_text(encoding="utf-8")
    source = Engine().from_string(escaped).render(Context())
    return engines["django"].from_string(DOCUMENT.format(fragment=source))


def welcome_page(request):
    return HttpResponse(welcome_template().render({}, request))
