"""Demo content for engagement; the pages are in engagement/demo_content.toml.

What stays here is generated: example responses with scores and comments,
their moderation, and the published results for each demo form. Idempotent:
pages are found by slug (see home.demo_loader); responses and results are
added only for a form that has none yet. Skips a form whose place is missing.
"""

from home import demo_loader

INDEX_PATH = "have-your-say"


def engagement_index(step):
    """The "Have your say" page under the home page, created if missing."""
    pages = demo_loader.AppData(__file__, step).load_pages(only={INDEX_PATH})
    return pages[INDEX_PATH][0] if INDEX_PATH in pages else None


def load(step):
    demo_loader.load(__file__, step)
    load_responses(step)


def load_responses(step):
    """Example responses, moderated comments and published results for the demo forms.

    What they say (counts, typical scores, comments, actions) is in the data file.
    """
    import random

    from engagement.insight import recount
    from engagement.models import (
        InsightAction,
        PlaceInsight,
        PlaceStandardFormPage,
        Submission,
        ThemeScore,
    )
    from engagement.moderation import moderate
    from engagement.themes import THEME_KEYS

    data = demo_loader.read(demo_loader.data_file(__file__))
    comments_by_theme, redacted = data["comments"], data["redacted"]
    moderator = "Example moderator (demo content)"
    for place_slug, spec in data["responses"].items():
        form_page = PlaceStandardFormPage.objects.filter(slug=spec["form"]).first()
        if form_page is None or form_page.place_id is None:
            continue
        count, leaning = spec["count"], spec["leaning"]
        if not Submission.objects.filter(form_page=form_page).exists():
            rng = random.Random(place_slug)  # noqa: S311 - repeatable example data, not security
            for number in range(count):
                submission = Submission.objects.create(
                    form_page=form_page,
                    place_id=form_page.place_id,
                    round_number=form_page.round_number,
                    tool_version=form_page.tool_version,
                    channel="group" if number == 0 else ("paper" if number % 7 == 0 else "online"),
                    participants=9 if number == 0 else 1,
                )
                rows = []
                for key in THEME_KEYS:
                    if rng.random() < 0.06:
                        continue
                    score = min(7, max(1, 4 + leaning[key] + rng.choice((-1, 0, 0, 1))))
                    variants = comments_by_theme.get(key, [""])
                    comment = variants[(number // 9) % len(variants)] if number % 9 == 1 else ""
                    if key == redacted["theme"] and number == 2:
                        comment = redacted["comment"]
                    rows.append(
                        ThemeScore(submission=submission, theme=key, score=score, comment=comment)
                    )
                ThemeScore.objects.bulk_create(rows)
            recount(form_page.place_id, form_page.round_number)
            comments = ThemeScore.objects.filter(submission__form_page=form_page).exclude(
                comment=""
            )
            for position, comment in enumerate(comments.order_by("pk")):
                if comment.comment == redacted["comment"]:
                    public = redacted["public_comment"]
                    moderate(comment, "redacted", None, public, decided_by_name=moderator)
                elif position % 5 != 4:  # leave a few waiting, for the moderation screen
                    moderate(comment, "approved", None, decided_by_name=moderator)
            step(f"Added {count} example responses to '{form_page.title}', most comments moderated")
        insight, created = PlaceInsight.objects.get_or_create(
            place_id=form_page.place_id,
            round_number=form_page.round_number,
            defaults={
                "round_label": form_page.round_label,
                "what_we_heard": (
                    f"<p>This is example content. People value {form_page.place.title}'s green "
                    "spaces and sense of community, and want better upkeep, safer streets and "
                    "to hear back about what changes after they have their say.</p>"
                ),
            },
        )
        if created:
            for order, action in enumerate(data["actions"]):
                InsightAction.objects.create(insight=insight, sort_order=order, **action)
            approved = ThemeScore.objects.public_comments().filter(submission__form_page=form_page)
            for order, comment in enumerate(approved.order_by("pk")[:2]):
                insight.highlights.create(comment=comment, sort_order=order)
            insight.save_revision().publish()
            step(f"Published example results for {form_page.place.title}")
