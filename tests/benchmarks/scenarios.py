"""The benchmark scenarios: what `make bench` requests, in the order it runs them.

A scenario is one request repeated for the measured time. Add one by
appending a `Scenario` to SCENARIOS (see README.md in this folder). The first
scenario, `bare`, is the reference every other row is compared with.

Paths, bodies and header values may name facts in braces, such as
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


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    setup: SetupRef | None = None
    prepare: Prepare | None = None
    #: Shown under the table, with placeholders filled in.
    describe: str = ""
    #: Another scenario's name: the report prints this one's figures relative to it.
    compare_to: str | None = None

    def resolve(self, facts: Mapping[str, str]) -> "ResolvedRequest":
        try:
            return ResolvedRequest(
                method=self.method,
                path=self.path.format_map(facts),
                body=self.body.format_map(facts).encode() if self.body is not None else None,
                headers={name: value.format_map(facts) for name, value in self.headers.items()},
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


PAGES = "tests.benchmarks.site_content:pages"
ENGAGEMENT = "tests.benchmarks.engagement_content:place_with_form"
INSIGHT = "tests.benchmarks.insight_content:published_results"
INSIGHT_SCALE = "tests.benchmarks.insight_content:results_at_scale"


def _prepare_engagement_post(base_url, facts):
    from tests.benchmarks.engagement_content import prepare_post

    return prepare_post(base_url, facts)


BARE = Scenario(
    name="bare",
    path="/__bench__/welcome/",
    describe="Wagtail's welcome page from a plain view (no database)",
)

SCENARIOS: list[Scenario] = [
    BARE,
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
        name="place + form",
        path="{engagement_place_path}",
        setup=ENGAGEMENT,
        describe="place page {engagement_place_path} showing its open Place Standard form "
        "({engagement_source} content)",
    ),
    Scenario(
        name="form POST",
        path="{engagement_form_path}",
        method="POST",
        body="{engagement_post_body}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
        },
        setup=ENGAGEMENT,
        prepare=_prepare_engagement_post,
        describe="a full Place Standard response (14 themes) posted to {engagement_form_path}; "
        "each stores a new response, so the database grows as it runs",
    ),
    Scenario(
        name="results",
        path="{insight_results_path}",
        setup=INSIGHT,
        describe="published results {insight_results_path}: compass with overlays, table, "
        "comments ({insight_source} content)",
    ),
    Scenario(
        name="results overview",
        path="{insight_overview_path}",
        setup=INSIGHT,
        describe="district overview {insight_overview_path}: every published place compared "
        "({insight_source} content)",
    ),
    Scenario(
        name="results 1k",
        path="{insight_1000_path}",
        setup=INSIGHT_SCALE,
        describe="results page of a place with 1,000 responses ({insight_aggregation})",
    ),
    Scenario(
        name="results 100k",
        path="{insight_100000_path}",
        setup=INSIGHT_SCALE,
        describe="results page of a place with 100,000 responses",
        compare_to="results 1k",
    ),
]


def select(names: list[str]) -> list[Scenario]:
    """The named scenarios (all when none are named), always with the bare page first."""
    if not names:
        return list(SCENARIOS)
    known = {scenario.name: scenario for scenario in SCENARIOS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
    chosen = [known[name] for name in names if name != BARE.name]
    return [BARE, *chosen]
