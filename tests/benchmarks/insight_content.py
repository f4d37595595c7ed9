"""Content for the place insight benchmarks: a published place and round with responses.

The demo content publishes results for two places; without it (or if it
failed) this builds its own: the benchmark place's form, 60 responses and a
published insight, so the results pages have real figures to compute.
"""

RESPONSES = 60


def published_results() -> dict[str, str]:
    from django.urls import reverse

    from engagement.models import PlaceInsight

    insight = PlaceInsight.objects.filter(live=True).order_by("pk").first()
    source = "demo"
    if insight is None:
        insight = _create_results()
        source = "benchmark"
    return {
        "insight_results_path": insight.get_absolute_url(),
        "insight_overview_path": reverse("insight_overview"),
        "insight_source": source,
    }


def _create_results():
    import random

    from django.utils import timezone

    from engagement.insight import recount
    from engagement.models import PlaceInsight, Submission, ThemeScore
    from engagement.themes import THEME_KEYS
    from tests.benchmarks.engagement_content import _create_place_and_form

    form_page = _create_place_and_form(timezone.now())
    rng = random.Random(4)  # noqa: S311 - repeatable example data, not security
    if not Submission.objects.filter(form_page=form_page).exists():
        for _ in range(RESPONSES):
            submission = Submission.objects.create(
                form_page=form_page,
                place_id=form_page.place_id,
                round_number=form_page.round_number,
                tool_version=form_page.tool_version,
            )
            ThemeScore.objects.bulk_create(
                ThemeScore(submission=submission, theme=key, score=rng.randint(1, 7))
                for key in THEME_KEYS
            )
        recount(form_page.place_id, form_page.round_number)
    insight, _ = PlaceInsight.objects.get_or_create(
        place_id=form_page.place_id, round_number=form_page.round_number
    )
    insight.save_revision().publish()
    return insight


#: Responses for the two places the scale scenarios compare.
SCALES = (1_000, 100_000)
#: Responses stored (and then deleted again) to time counting one in.
TIMED = 50
BATCH = 5_000


def results_at_scale() -> dict[str, str]:
    """Two published places, one with 1,000 responses and one with 100,000.

    Built once (the benchmark database is kept between runs). Also times,
    at each scale, what storing one response costs the tallies (`count_in`)
    and what a full rebuild of the round (`recount`) costs per response.
    """

    facts = {}
    timings = []
    for responses in SCALES:
        insight = _place_with(responses)
        facts[f"insight_{responses}_path"] = insight.get_absolute_url()
        timings.append(_time_aggregation(insight, responses))
    facts["insight_aggregation"] = "; ".join(timings)
    print(f"    aggregation: {facts['insight_aggregation']}", flush=True)
    return facts


def _place_with(responses: int):
    import datetime
    import random

    from django.utils import timezone

    from engagement.demo import engagement_index
    from engagement.insight import recount
    from engagement.models import PlaceInsight, PlaceStandardFormPage, Submission, ThemeScore
    from engagement.themes import THEME_KEYS
    from places.models import PlacePage

    slug = f"bench-results-{responses}"
    place = PlacePage.objects.filter(slug=slug).first()
    if place is None:
        parent = PlacePage.objects.filter(depth=3).order_by("path").first()
        if parent is None:  # no demo places: under the benchmark's own place index
            from tests.benchmarks.engagement_content import _create_place_and_form

            parent = _create_place_and_form(timezone.now()).place.get_parent()
        place = PlacePage(
            title=f"Benchmark place with {responses:,} responses",
            slug=slug,
            summary="A place for the results benchmark.",
        )
        parent.add_child(instance=place)
        place.save_revision().publish()
    form_page = PlaceStandardFormPage.objects.filter(slug=f"{slug}-form").first()
    if form_page is None:
        now = timezone.now()
        form_page = PlaceStandardFormPage(
            title=f"How good is {place.title}?",
            slug=f"{slug}-form",
            place=place,
            opens_at=now - datetime.timedelta(days=400),
            closes_at=now - datetime.timedelta(days=1),
            privacy_notice="<p>An example privacy notice.</p>",
        )
        engagement_index(lambda message: None).add_child(instance=form_page)
        form_page.save_revision().publish()
    have = Submission.objects.filter(form_page=form_page).count()
    rng = random.Random(responses)  # noqa: S311 - repeatable example data, not security
    while have < responses:
        size = min(BATCH, responses - have)
        batch = Submission.objects.bulk_create(
            Submission(
                form_page=form_page,
                place=place,
                round_number=1,
                tool_version=form_page.tool_version,
            )
            for _ in range(size)
        )
        ThemeScore.objects.bulk_create(
            (
                ThemeScore(
                    submission=submission,
                    theme=key,
                    score=rng.randint(1, 7),
                    comment="Example comment" if rng.random() < 0.05 else "",
                )
                for submission in batch
                for key in THEME_KEYS
            ),
            batch_size=2_000,
        )
        have += size
        print(f"    {place.title}: {have:,} of {responses:,} responses stored", flush=True)
    recount(place.pk, 1)
    insight, _ = PlaceInsight.objects.get_or_create(place=place, round_number=1)
    if not insight.live:
        insight.save_revision().publish()
    return insight


def _time_aggregation(insight, responses: int) -> str:
    import time

    from engagement.insight import count_in, recount
    from engagement.models import Submission, ThemeScore
    from engagement.themes import THEME_KEYS

    form_page = Submission.objects.filter(place_id=insight.place_id).first().form_page
    answers = [(key, 4, "") for key in THEME_KEYS]
    added = []
    started = time.perf_counter()
    for _ in range(TIMED):
        submission = Submission.objects.create(
            form_page=form_page, place_id=insight.place_id, round_number=1, tool_version="x"
        )
        ThemeScore.objects.bulk_create(
            ThemeScore(submission=submission, theme=key, score=score)
            for key, score, _comment in answers
        )
        count_in(submission, answers)
        added.append(submission.pk)
    per_response = (time.perf_counter() - started) / TIMED
    Submission.objects.filter(pk__in=added).delete()  # counted out again by the signals
    started = time.perf_counter()
    recount(insight.place_id, 1)
    rebuild = time.perf_counter() - started
    return (
        f"{responses:,} responses: storing one with its tally update takes "
        f"{per_response * 1000:.2f} ms, a full recount {rebuild * 1000:.0f} ms "
        f"({rebuild / responses * 1e6:.1f} µs per response)"
    )
