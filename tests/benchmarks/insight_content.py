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
        "insight_results_path": reverse(
            "insight_results",
            kwargs={"place_id": insight.place_id, "round_number": insight.round_number},
        ),
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
