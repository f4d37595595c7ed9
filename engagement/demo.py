"""Demo content: an open Place Standard form for two demo places.

Idempotent: each form is found by its slug and created only if
missing. Skips quietly when the places demo has not loaded those places.
"""

import datetime

from django.utils import timezone

DEMO_FORMS = [
    # (place slug, form slug, title, round label)
    ("dewsbury", "place-standard-dewsbury", "How good is Dewsbury?", "Demo round"),
    ("holmfirth", "place-standard-holmfirth", "How good is Holmfirth?", "Demo round"),
]

PRIVACY = (
    "<p>This is an example privacy notice for the demo site. We use your answers to "
    "understand what people think of this place. We publish averages and moderated, "
    "anonymised comments, never a single person's answers. If you give an email for "
    "follow-up, we keep it apart from your answers and delete it after a year.</p>"
)


def engagement_index(step):
    """The "Have your say" page under the home page, created if missing."""
    from engagement.models import EngagementIndexPage
    from home.models import HomePage

    index = EngagementIndexPage.objects.first()
    if index is not None:
        return index
    home = HomePage.objects.first()
    if home is None:
        return None
    index = EngagementIndexPage(
        title="Have your say",
        slug="have-your-say",
        introduction="Tell us what you think of your place. Every answer is read.",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    step("Created the 'Have your say' engagement index")
    return index


def load(step):
    from engagement.models import PlaceStandardFormPage
    from places.models import PlacePage

    now = timezone.now()
    index = engagement_index(step)
    if index is None:
        step("Skipped the Place Standard forms: there is no home page")
        return
    for place_slug, slug, title, round_label in DEMO_FORMS:
        place = PlacePage.objects.filter(slug=place_slug).first()
        if place is None:
            step(f"Skipped the Place Standard form for '{place_slug}': that demo place is missing")
            continue
        if PlaceStandardFormPage.objects.filter(slug=slug).exists():
            step(f"Place Standard form '{title}' is already there")
            continue
        form_page = PlaceStandardFormPage(
            title=title,
            slug=slug,
            place=place,
            round_number=1,
            round_label=round_label,
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=365),
            intro=(
                f"<p>Tell us what you think of {place.title}: rate 14 themes from 1 to 7 and "
                "add a comment if you like. It takes about 10 minutes.</p>"
            ),
            privacy_notice=PRIVACY,
            thank_you_text=(
                "<p>We will publish what we heard, and what happens next, on the place page.</p>"
            ),
        )
        index.add_child(instance=form_page)
        form_page.save_revision().publish()
        step(f"Created the open Place Standard form '{title}' for {place.title}")
