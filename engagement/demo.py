"""Demo content for engagement; the pages are in engagement/demo_content.toml.

What stays here is generated: example responses with scores and comments,
their moderation, and the published results for each demo form. Idempotent:
pages are found by slug (see home.demo_loader); responses and results are
added only for a form that has none yet. Skips a form whose place is missing.
"""

from home import demo_loader

#: (place slug, form slug) of the demo forms in the data file.
DEMO_FORMS = [
    ("dewsbury", "place-standard-dewsbury"),
    ("holmfirth", "place-standard-holmfirth"),
]
INDEX_PATH = "have-your-say"


def engagement_index(step):
    """The "Have your say" page under the home page, created if missing."""
    pages = demo_loader.AppData(__file__, step).load_pages(only={INDEX_PATH})
    return pages[INDEX_PATH][0] if INDEX_PATH in pages else None


def load(step):
    demo_loader.load(__file__, step)
    load_responses(step)


#: Example responses for the demo: (place slug, how many, typical score per
#: theme as an offset from 4, comment wording). Every comment is an invented
#: example, labelled as such, so nobody reads it as a real resident's words.
DEMO_RESPONSES = {
    "dewsbury": (
        36,
        {
            "moving_around": 0,
            "public_transport": 1,
            "traffic_parking": -2,
            "streets_spaces": -1,
            "natural_space": 1,
            "play_recreation": 0,
            "facilities_amenities": 1,
            "work_economy": -1,
            "housing_community": 0,
            "social_contact": 1,
            "identity_belonging": 2,
            "feeling_safe": -1,
            "care_maintenance": -2,
            "influence_control": -2,
        },
    ),
    "holmfirth": (
        24,
        {
            "moving_around": 1,
            "public_transport": -2,
            "traffic_parking": -3,
            "streets_spaces": 2,
            "natural_space": 3,
            "play_recreation": 1,
            "facilities_amenities": 1,
            "work_economy": 0,
            "housing_community": -2,
            "social_contact": 2,
            "identity_belonging": 2,
            "feeling_safe": 2,
            "care_maintenance": 0,
            "influence_control": -1,
        },
    ),
}

DEMO_COMMENTS = {
    "traffic_parking": [
        "Example comment: parking on the pavement near the school makes the walk with a "
        "pushchair hard.",
        "Example comment: the junction by the market is a worry at school closing time.",
        "Example comment: lorries cut through the estate to avoid the ring road.",
    ],
    "care_maintenance": [
        "Example comment: the litter bins by the bus station overflow at weekends.",
        "Example comment: the subway under the ring road needs new lighting and a clean.",
        "Example comment: volunteers keep the flower beds going; they could use some help.",
    ],
    "influence_control": [
        "Example comment: I would take part more if I heard back about what happened after "
        "the last consultation.",
        "Example comment: meetings are always in working hours, so I can never go.",
        "Example comment: our residents' group was listened to about the park, which helped.",
    ],
    "natural_space": [
        "Example comment: the riverside path is the best thing about living here.",
        "Example comment: the woods are lovely but the paths get very muddy in winter.",
        "Example comment: more benches in the park would help older people use it.",
    ],
    "identity_belonging": [
        "Example comment: the market and the festivals make it feel like home.",
        "Example comment: people from different communities mix at the Saturday market.",
        "Example comment: the old mill buildings give the town its character.",
    ],
    "public_transport": [
        "Example comment: the last bus back from Huddersfield leaves too early for evening shifts.",
        "Example comment: the train station has no step-free way onto one platform.",
        "Example comment: buses are reliable in the day, not so much on Sundays.",
    ],
}
#: An example of a comment a moderator redacts: the name is hidden, the point kept.
DEMO_REDACTED = (
    "feeling_safe",
    "Example comment: ask Sam Example at number 4 about the lights on the snicket, they are "
    "always out.",
    "Example comment: ask [redacted] about the lights on the snicket, they are always out.",
)
DEMO_ACTIONS = [
    ("Share these results at a ward walkabout with local councillors", "Communities team", "done"),
    ("Review pavement parking near schools with residents and the school", "Highways", "planned"),
    ("Report back on the place page every three months", "Engagement team", "in_progress"),
]


def load_responses(step):
    """Example responses, moderated comments and published results for the demo forms."""
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

    moderator = "Example moderator (demo content)"
    for place_slug, form_slug in DEMO_FORMS:
        form_page = PlaceStandardFormPage.objects.filter(slug=form_slug).first()
        if form_page is None or form_page.place_id is None:
            continue
        count, leaning = DEMO_RESPONSES[place_slug]
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
                    variants = DEMO_COMMENTS.get(key, [""])
                    comment = variants[(number // 9) % len(variants)] if number % 9 == 1 else ""
                    if key == DEMO_REDACTED[0] and number == 2:
                        comment = DEMO_REDACTED[1]
                    rows.append(
                        ThemeScore(submission=submission, theme=key, score=score, comment=comment)
                    )
                ThemeScore.objects.bulk_create(rows)
            recount(form_page.place_id, form_page.round_number)
            comments = ThemeScore.objects.filter(submission__form_page=form_page).exclude(
                comment=""
            )
            for position, comment in enumerate(comments.order_by("pk")):
                if comment.comment == DEMO_REDACTED[1]:
                    moderate(comment, "redacted", None, DEMO_REDACTED[2], decided_by_name=moderator)
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
            for order, (action, owner, status) in enumerate(DEMO_ACTIONS):
                InsightAction.objects.create(
                    insight=insight, sort_order=order, action=action, owner=owner, status=status
                )
            approved = ThemeScore.objects.public_comments().filter(submission__form_page=form_page)
            for order, comment in enumerate(approved.order_by("pk")[:2]):
                insight.highlights.create(comment=comment, sort_order=order)
            insight.save_revision().publish()
            step(f"Published example results for {form_page.place.title}")
