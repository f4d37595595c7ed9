"""The anonymous page cache and the headers a CDN reads (home.page_cache; issue 12).

- Every public page type, asked for by a visitor with no cookie, carries
  `Cache-Control: public, max-age=..., s-maxage=...` and `Vary: Cookie`,
  and the second request is answered from the app's page cache with no
  query but the stamps' one (none with Redis).
- Nothing private is ever shared: requests with a session or any cookie,
  pages behind a view restriction, drafts and previews, documents, form
  errors, error pages and the refused-POST page are never stored and say
  `private` (or nothing public) to a CDN.
- The key ignores query parameters outside the allow-list, and every
  parameter our views read is in it (a crawl that records what they read).
- Forms still work from a cached page: the embedded Place Standard form of a
  place page served from the cache is accepted for two different people
  (done-when 5), the alert sign-up and "Was this page helpful?" too; a
  cross-site POST is refused with a clear page.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from engagement.models import Submission
from engagement.themes import THEME_KEYS
from home.page_cache import ALLOWED_QUERY_PARAMETERS, HEADER
from tests.factories import DocumentFactory
from tests.factories.home import StandardPageFactory
from tests.helpers import public_site

pytestmark = pytest.mark.django_db

PUBLIC = re.compile(r"^public, max-age=\d+, s-maxage=(\d+)$")


@pytest.fixture
def site(home_page, admin_user, page_cache):
    return public_site.build(home_page, admin_user)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


# --- Public pages: CDN headers, then served from the cache ------------------------------


def test_every_public_page_type_is_public_to_a_cdn_and_then_served_from_the_cache(client, site):
    for name, url in site.urls.items():
        first = get(client, url)
        control = first.headers.get("Cache-Control", "")
        assert PUBLIC.match(control), f"{name}: Cache-Control {control!r}"
        assert 0 < int(PUBLIC.match(control).group(1)) <= 300, name
        assert "Cookie" in first.headers.get("Vary", ""), name
        assert first.headers[HEADER] == "miss", name
        assert not first.cookies, f"{name} set a cookie on an anonymous visit"

        with CaptureQueriesContext(connection) as queries:
            second = get(client, url)
        assert second.headers[HEADER] == "hit", name
        assert second.content == first.content, name
        assert second.headers["Cache-Control"] == control, name
        # Only the stamps that say the stored page is still current (none with Redis).
        assert len(queries) <= 1, (name, [q["sql"][:120] for q in queries])
        assert all("ourplaces_cache_stamps" in q["sql"] for q in queries), name


def test_s_maxage_never_outlives_the_next_form_opening(client, site):
    """A form opening in ten minutes caps every page's s-maxage (home.schedule)."""
    import datetime

    from django.utils import timezone

    from tests.factories.engagement import PlaceStandardFormPageFactory

    opens = timezone.now() + datetime.timedelta(minutes=2)
    page = PlaceStandardFormPageFactory(
        parent=site.district,
        place=site.district,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
    )
    page.save_revision().publish()  # as an editor does: the schedule is renewed
    control = get(client, site.urls["standard page"]).headers["Cache-Control"]
    assert int(PUBLIC.match(control).group(1)) <= 120, control


# --- Nothing private is shared --------------------------------------------------------


def assert_not_shared(response, label):
    control = response.headers.get("Cache-Control", "")
    assert "public" not in control and "s-maxage" not in control, (label, control)
    assert response.headers.get(HEADER) != "hit", label


def test_signed_in_staff_get_private_pages_never_stored_for_others(client, site, admin_user):
    url = site.urls["place page"]
    client.force_login(admin_user)
    staff = client.get(url)
    assert_not_shared(staff, "signed in")
    assert "private" in staff.headers["Cache-Control"]
    client.logout()
    client.cookies.clear()
    anonymous = get(client, url)
    assert anonymous.headers[HEADER] == "miss", "the staff view was stored"
    assert b"wagtail-userbar" not in anonymous.content


def test_any_cookie_bypasses_the_cache(client, site):
    url = site.urls["standard page"]
    get(client, url)
    assert get(client, url).headers[HEADER] == "hit"
    client.cookies["messages"] = "something waiting"
    response = get(client, url)
    assert_not_shared(response, "with a cookie")


def test_restricted_pages_previews_documents_and_errors_are_never_public(client, site):
    secret = StandardPageFactory(title="Members only", parent=site.content.home)
    PageViewRestriction.objects.create(
        page=secret,
        restriction_type=PageViewRestriction.PASSWORD,
        password="x",  # noqa: S106
    )
    for _ in range(2):
        response = client.get(secret.url)
        assert response.status_code == 200  # the password form
        assert_not_shared(response, "restricted page")

    draft = StandardPageFactory(title="Draft", parent=site.content.home, live=False)
    assert client.get(draft.url).status_code == 404

    document = DocumentFactory()
    response = client.get(document.url)
    assert response.status_code == 200
    assert_not_shared(response, "document")

    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_not_shared(missing, "404")

    errors = client.post(site.form_page.url, {"place": site.town.pk, "moving_around": "9"})
    assert errors.status_code == 400
    assert_not_shared(errors, "form errors")

    refused = client.post(
        site.form_page.url, {"place": site.town.pk}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert refused.status_code == 403
    assert (
        "no-store" in refused.headers["Cache-Control"]
        or "no-cache" in refused.headers["Cache-Control"]
    )


def test_previews_are_never_stored(client, site, admin_user):
    client.force_login(admin_user)
    preview = client.get(f"/admin/pages/{site.content.team.pk}/edit/preview/")
    assert preview.headers.get(HEADER) is None


# --- The key: allow-listed query parameters only ------------------------------------------


def test_unknown_query_parameters_neither_split_nor_bypass_the_cache(client, site):
    url = site.urls["place index"]
    get(client, url)
    for noise in ("?utm_source=newsletter", "?x=123", "?utm_source=a&fbclid=b"):
        assert get(client, url + noise).headers[HEADER] == "hit", noise
    filtered = get(client, url + "?kind=town")
    assert filtered.headers[HEADER] == "miss"
    assert get(client, url + "?kind=town&utm_source=x").headers[HEADER] == "hit"


def test_every_query_parameter_a_public_page_reads_is_allowed(client, site, monkeypatch):
    """Crawl every public page with every parameter we can think of, record what is read."""
    read = set()
    original_get, original_getlist = QueryDict.get, QueryDict.getlist
    original_contains, original_getitem = QueryDict.__contains__, QueryDict.__getitem__

    def record(name):
        # Django's own QueryDict methods (building one, copying it) read every
        # key; only what code outside them asks for counts.
        caller = sys._getframe(2).f_code.co_filename
        if not caller.endswith(("django/http/request.py", "django/utils/datastructures.py")):
            read.add(name)
        return name

    monkeypatch.setattr(QueryDict, "get", lambda self, k, d=None: original_get(self, record(k), d))
    monkeypatch.setattr(
        QueryDict, "getlist", lambda self, k, d=None: original_getlist(self, record(k), d)
    )
    monkeypatch.setattr(
        QueryDict, "__contains__", lambda self, k: original_contains(self, record(k))
    )
    monkeypatch.setattr(QueryDict, "__getitem__", lambda self, k: original_getitem(self, record(k)))
    probe = "?" + "&".join(
        f"{name}=1" for name in sorted(ALLOWED_QUERY_PARAMETERS | {"utm_source", "order", "sort"})
    )
    for url in site.urls.values():
        read.clear()
        client.get(url + probe)
        stray = {name for name in read if name not in ALLOWED_QUERY_PARAMETERS}
        # Form fields read from POST dicts never happen on a GET; anything here
        # was read from the query string of a page that may be cached.
        assert not stray, (url, stray)


# --- Forms on cached pages (done-when 5) ------------------------------------------------


class FormFields(HTMLParser):
    """The named inputs of the form posting to `action` in a page."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields, self.radios = action, False, {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif self.inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") == "radio":
                self.radios.setdefault(attrs["name"], []).append(attrs.get("value"))
            elif attrs.get("type") not in ("checkbox", "submit"):
                self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_in(html: str, action: str) -> FormFields:
    parser = FormFields(action)
    parser.feed(html)
    return parser


def test_the_embedded_form_on_a_cached_place_page_is_accepted_for_two_people(client, site):
    url, action = site.urls["place page"], site.form_page.url
    get(client, url)
    cached = get(client, url)
    assert cached.headers[HEADER] == "hit" and not client.cookies
    form = form_in(cached.content.decode(), action)
    assert set(THEME_KEYS) <= set(form.radios), "the cached page carries the whole form"
    assert "token" not in form.fields, "a cached form can carry nothing per visitor"
    before = Submission.objects.count()

    for person, score in (("first", "2"), ("second", "6")):
        data = {**form.fields, **dict.fromkeys(THEME_KEYS, score), "natural_space_comment": person}
        response = client.post(action, data, HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 303, response.content.decode()[:500]
        assert response["Location"] == f"{action}thank-you/"
        assert not client.cookies, "posting set a cookie"
    stored = Submission.objects.order_by("pk")[before:]
    assert [s.scores.get(theme="natural_space").comment for s in stored] == ["first", "second"]


def test_a_cross_site_post_from_a_copy_of_the_cached_form_is_refused(client, site):
    url, action = site.urls["place page"], site.form_page.url
    get(client, url)
    form = form_in(get(client, url).content.decode(), action)
    before = Submission.objects.count()
    response = client.post(
        action,
        {**form.fields, **dict.fromkeys(THEME_KEYS, "4")},
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Your form could not be sent</h1>" in html
    assert "Nothing was saved" in html
    assert Submission.objects.count() == before


def test_the_other_public_forms_work_from_cached_pages(client, site):
    from engagement.conversation.models import PageFeedback, Subscriber

    url = site.urls["place page"]
    get(client, url)
    html = get(client, url).content.decode()
    feedback = form_in(html, "/feedback/")
    response = client.post(
        "/feedback/", {**feedback.fields, "helpful": "yes"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 302
    assert PageFeedback.objects.filter(page=site.town).count() == 1

    alerts = form_in(html, "/alerts/")
    response = client.post(
        "/alerts/",
        {**alerts.fields, "email": "neighbour@example.org", "consent": "on"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code in (302, 303), response.content.decode()[:300]
    assert Subscriber.objects.filter(email="neighbour@example.org").exists()
