"""The benchmark scenarios: what `make bench` requests, in the order it runs them.

A scenario is one request repeated for the measured time. There are three
kinds (see README.md in this folder):

- `reference`: the two references every other row is divided by, measured in
  every cache state, before and after each block of pages: the minimal
  Wagtail page (`WAGTAIL_PAGE`) and Django's floor (`DJANGO_FLOOR`);
- `page`: one public page type each, measured in every cache state (cold,
  warm, hit); anonymous GETs that carry no cookie;
- `submission`: a POST that stores something, run once with
  BENCH_POST_CONCURRENCY connections, with the rows it stored counted before
  and after; the Place Standard form and the one-row reference.

Paths, bodies, hosts and header values may name facts in braces, such as
`{standard_path}`. The facts come from the scenarios' `setup` functions, which
run inside Django (production settings, the benchmark's own database) before
the server starts, so a scenario can build the content it needs and say where
it is.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: A function run before the server starts, given as "module:function". It
#: runs in a Django process and returns a dict of facts for the placeholders.
SetupRef = str

#: A function run after the server is up, before the warm-up:
#: prepare(base_url, facts) -> dict of facts to add (for example a CSRF cookie
#: and token fetched from a form page, for a POST scenario).
Prepare = Callable[[str, Mapping[str, str]], Mapping[str, str]]

PAGE, REFERENCE, SUBMISSION = "page", "reference", "submission"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The Host header's name (the port is added); the server's own address if None.
    host: str | None = None
    setup: SetupRef | None = None
    prepare: Prepare | None = None
    #: Shown under the table, with placeholders filled in.
    describe: str = ""
    #: Another scenario's name: the report prints this one's figures relative to it.
    compare_to: str | None = None
    kind: str = PAGE
    #: False: runs only when named in BENCH_SCENARIOS (slow to build, or a variant).
    default: bool = True
    #: Text the probe's response must contain (placeholders allowed): proof that
    #: the page measured is the page meant, not an error page that answers 200.
    expect: str | None = None
    #: Submissions: the setup function that counts the stored rows, and the fact
    #: it returns that must grow by one per accepted (303) answer.
    counter: SetupRef | None = None
    rows: str | None = None

    def resolve(self, facts: Mapping[str, str]) -> "ResolvedRequest":
        try:
            return ResolvedRequest(
                method=self.method,
                path=self.path.format_map(facts),
                body=self.body.format_map(facts).encode() if self.body is not None else None,
                headers={name: value.format_map(facts) for name, value in self.headers.items()},
                host=self.host.format_map(facts) if self.host else None,
                expect=self.expect.format_map(facts) if self.expect else None,
            )
        except KeyError as missing:
            raise SystemExit(
                f"Scenario {self.name!r} names the fact {missing}, which no setup provided."
            ) from None


@dataclass(frozen=True)
class ResolvedRequest:
    method: str
    path: str
    body: bytes | None
    headers: Mapping[str, str]
    host: str | None = None
    expect: str | None = None

    def headers_for(self, port: int) -> dict[str, str]:
        """The headers to send; with `host`, a Host header naming it (http.client then
        sends no Host of its own)."""
        headers = dict(self.headers)
        if self.host:
            headers["Host"] = f"{self.host}:{port}"
        return headers


PAGES = "tests.benchmarks.site_content:pages"
PLACES = "tests.benchmarks.site_content:places"
COUNCILLORS = "tests.benchmarks.site_content:councillors"
SCHOOLS = "tests.benchmarks.site_content:schools"
STORIES = "tests.benchmarks.site_content:stories"
ENGAGEMENT = "tests.benchmarks.engagement_content:place_with_form"
INSIGHT = "tests.benchmarks.insight_content:published_results"
INSIGHT_SCALE = "tests.benchmarks.insight_content:results_at_scale"
MINIMAL_SITE = "tests.benchmarks.reference.content:minimal_site"
ENGAGEMENT_ROWS = "tests.benchmarks.engagement_content:row_counts"
BENCH_ROWS = "tests.benchmarks.reference.content:bench_rows"

FORM_HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    # What a browser sends with a form on the same site; the site's cross-site
    # protection lets it through (config.middleware.CrossSiteProtectionMiddleware).
    "Sec-Fetch-Site": "same-origin",
}


def _prepare_engagement_post(base_url, facts):
    from tests.benchmarks.engagement_content import prepare_post

    return prepare_post(base_url, facts)


def _prepare_reference_post(base_url, facts):
    from tests.benchmarks.reference.content import prepare_post

    return prepare_post(base_url, facts)


WAGTAIL_PAGE = Scenario(
    name="wagtail page",
    path="/__bench__/wagtail/",
    host="{reference_host}",
    setup=MINIMAL_SITE,
    kind=REFERENCE,
    expect="<h1>{minimal_page_title}</h1>",
    describe="a minimal Wagtail page (a page type with a plain template, the root page of "
    "the Site {reference_host}) served by Wagtail's own wagtail.views.serve",
)
DJANGO_FLOOR = Scenario(
    name="django floor",
    path="/__bench__/floor/",
    kind=REFERENCE,
    expect="A constant response.",
    describe="Django's floor: a view returning a constant response, same middleware",
)
REFERENCES = [WAGTAIL_PAGE, DJANGO_FLOOR]
ONE_ROW_POST = Scenario(
    name="one-row POST",
    path="/__bench__/submit/",
    method="POST",
    body="csrfmiddlewaretoken={bench_csrf_token}&name=Bench&score=4"
    "&comment=Benchmark+comment+__SEQ__+about+the+pavements.",
    headers={**FORM_HEADERS, "Cookie": "csrftoken={bench_csrf_cookie}"},
    prepare=_prepare_reference_post,
    kind=SUBMISSION,
    counter=BENCH_ROWS,
    rows="rows_bench",
    describe="the one-row reference: a Django form behind Django's CSRF token, "
    "validated, one row inserted in one transaction, 303; every copy's comment differs",
)

SCENARIOS: list[Scenario] = [
    Scenario(
        name="home",
        path="{home_path}",
        setup=PAGES,
        describe="home page {home_path} ({content_source} content)",
    ),
    Scenario(
        name="standard page",
        path="{standard_path}",
        setup=PAGES,
        describe="standard page {standard_path} '{standard_title}' ({content_source} content)",
    ),
    Scenario(
        name="place index",
        path="{place_index_path}",
        setup=PLACES,
        describe="place index {place_index_path} ({places_source} content)",
    ),
    Scenario(
        name="place + form",
        path="{engagement_place_path}",
        setup=ENGAGEMENT,
        expect='action="{engagement_form_path}" method="post"',
        describe="place page {engagement_place_path} showing its open Place Standard form "
        "({engagement_source} content)",
    ),
    Scenario(
        name="district place",
        path="{district_path}",
        setup=PLACES,
        describe="district place page {district_path} '{district_title}' ({places_source} content)",
    ),
    Scenario(
        name="engagement index",
        path="{engagement_index_path}",
        setup=ENGAGEMENT,
        describe="engagement index {engagement_index_path} ({engagement_source} content)",
    ),
    Scenario(
        name="form page",
        path="{engagement_form_path}",
        setup=ENGAGEMENT,
        expect='method="post"',
        describe="Place Standard form page {engagement_form_path}, open "
        "({engagement_source} content)",
    ),
    Scenario(
        name="form thank-you",
        path="{engagement_thanks_path}",
        setup=ENGAGEMENT,
        describe="the form's thank-you page {engagement_thanks_path}",
    ),
    Scenario(
        name="councillor index",
        path="{councillor_index_path}",
        setup=COUNCILLORS,
        describe="councillor index {councillor_index_path} ({councillors_source} content)",
    ),
    Scenario(
        name="councillor page",
        path="{councillor_path}",
        setup=COUNCILLORS,
        describe="councillor page {councillor_path} '{councillor_title}'",
    ),
    Scenario(
        name="find councillor",
        path="{councillor_index_path}?postcode={postcode}",
        setup=COUNCILLORS,
        expect="{postcode_ward}",
        describe="find your councillor: {councillor_index_path}?postcode={postcode} "
        "(ward {postcode_ward})",
    ),
    Scenario(
        name="schools index",
        path="{schools_index_path}",
        setup=SCHOOLS,
        describe="schools programme page {schools_index_path} ({schools_source} content)",
    ),
    Scenario(
        name="resource library",
        path="{resource_library_path}",
        setup=SCHOOLS,
        describe="learning resource library {resource_library_path}",
    ),
    Scenario(
        name="resource page",
        path="{resource_path}",
        setup=SCHOOLS,
        describe="learning resource page {resource_path} '{resource_title}'",
    ),
    Scenario(
        name="story index",
        path="{story_index_path}",
        setup=STORIES,
        describe="story index {story_index_path} ({stories_source} content)",
    ),
    Scenario(
        name="story page",
        path="{story_path}",
        setup=STORIES,
        describe="story page {story_path} '{story_title}'",
    ),
    Scenario(
        name="results overview",
        path="{insight_overview_path}",
        setup=INSIGHT,
        describe="district overview {insight_overview_path}: every published place compared "
        "({insight_source} content)",
    ),
    Scenario(
        name="results",
        path="{insight_results_path}",
        setup=INSIGHT,
        describe="published results {insight_results_path}: compass with overlays, table, "
        "comments ({insight_source} content)",
    ),
    Scenario(
        name="alerts sign-up",
        path="{alerts_path}",
        setup=STORIES,
        describe="email alerts sign-up {alerts_path}",
    ),
    Scenario(
        name="results 1k",
        path="{insight_1000_path}",
        setup=INSIGHT_SCALE,
        default=False,
        describe="results page of a place with 1,000 responses ({insight_aggregation})",
    ),
    Scenario(
        name="results 100k",
        path="{insight_100000_path}",
        setup=INSIGHT_SCALE,
        default=False,
        describe="results page of a place with 100,000 responses",
        compare_to="results 1k",
    ),
    ONE_ROW_POST,
    Scenario(
        name="form POST",
        path="{engagement_form_path}",
        method="POST",
        body="{engagement_post_body}",
        headers=FORM_HEADERS,
        setup=ENGAGEMENT,
        prepare=_prepare_engagement_post,
        kind=SUBMISSION,
        counter=ENGAGEMENT_ROWS,
        rows="rows_submissions",
        compare_to="one-row POST",
        describe="a full Place Standard response (14 themes) posted to {engagement_form_path}, "
        "a different comment in every copy (no two are a resend); each stores a new "
        "response, so the database grows as it runs",
    ),
]


def select(names: list[str]) -> list[Scenario]:
    """The named scenarios (the default ones when none are named), in SCENARIOS' order.

    The references are not in the list: they always run (see run.py). Naming a
    submission scenario brings the one-row reference with it.
    """
    known = {scenario.name: scenario for scenario in SCENARIOS}
    references = {scenario.name for scenario in REFERENCES}
    unknown = [name for name in names if name not in known and name not in references]
    if unknown:
        raise SystemExit(
            f"Unknown scenario(s): {', '.join(unknown)}. "
            f"Known: {', '.join(known)} (and the references, which always run)."
        )
    if not names:
        return [scenario for scenario in SCENARIOS if scenario.default]
    chosen = set(names)
    if any(known[name].kind == SUBMISSION for name in chosen if name in known):
        chosen.add(ONE_ROW_POST.name)
    return [scenario for scenario in SCENARIOS if scenario.name in chosen]
