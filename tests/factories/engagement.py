"""Factories for the engagement app: Place Standard forms and their responses."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from engagement.insight import count_in
from engagement.models import (
    Channel,
    EngagementIndexPage,
    InsightAction,
    PlaceInsight,
    PlaceStandardFormField,
    PlaceStandardFormPage,
    Status,
    Submission,
    ThemeScore,
)
from engagement.themes import THEME_KEYS
from tests.factories import default_site_root


class PlaceStandardFormPageFactory(wagtail_factories.PageFactory):
    """An open form (since yesterday, for 30 days) under its place."""

    title = factory.Sequence(lambda n: f"How good is Example Town {n}?")
    round_number = 1
    round_label = "Example round"
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    intro = "<p>Tell us what you think of this place.</p>"
    privacy_notice = "<p>An example privacy notice: we keep your answers for two years.</p>"
    thank_you_text = "<p>We will publish what we heard on the place page.</p>"

    parent = factory.LazyFunction(lambda: _new_place())
    place = factory.LazyAttribute(lambda page: page.parent.specific)

    class Meta:
        model = PlaceStandardFormPage


def _new_place():
    from tests.factories.places import PlacePageFactory

    return PlacePageFactory()


class PlaceStandardFormFieldFactory(factory.django.DjangoModelFactory):
    label = factory.Sequence(lambda n: f"Extra question {n}")
    field_type = "singleline"
    required = False

    class Meta:
        model = PlaceStandardFormField


class SubmissionFactory(factory.django.DjangoModelFactory):
    form_page = factory.SubFactory(PlaceStandardFormPageFactory)
    place = factory.LazyAttribute(lambda s: s.form_page.place)
    round_number = factory.LazyAttribute(lambda s: s.form_page.round_number)
    channel = Channel.ONLINE
    tool_version = "standard-2015"
    status = Status.ACCEPTED

    class Meta:
        model = Submission
        skip_postgeneration_save = True

    @factory.post_generation
    def scores(obj, create, extracted, **kwargs):
        """SubmissionFactory(scores={"moving_around": (5, "comment")}); default: all 4s."""
        if not create:
            return
        answers = extracted if extracted is not None else dict.fromkeys(THEME_KEYS, (4, ""))
        ThemeScore.objects.bulk_create(
            ThemeScore(submission=obj, theme=key, score=score, comment=comment)
            for key, (score, comment) in answers.items()
        )
        # As the services do once a response's theme rows exist.
        if obj.status == Status.ACCEPTED:
            count_in(obj, [(key, score, comment) for key, (score, comment) in answers.items()])


class EngagementIndexPageFactory(wagtail_factories.PageFactory):
    title = "Have your say"
    slug = "have-your-say"
    introduction = "Tell us what you think of your place."
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = EngagementIndexPage


class PlaceInsightFactory(factory.django.DjangoModelFactory):
    """A published insight for a place's first round; pass live=False for a draft."""

    place = factory.SubFactory("tests.factories.places.PlacePageFactory")
    round_number = 1
    round_label = "Example round"
    what_we_heard = "<p>People told us the park is loved and the buses are late.</p>"
    live = True

    class Meta:
        model = PlaceInsight


class InsightActionFactory(factory.django.DjangoModelFactory):
    insight = factory.SubFactory(PlaceInsightFactory)
    action = factory.Sequence(lambda n: f"Example action {n}")
    owner = "Example team"
    status = "planned"

    class Meta:
        model = InsightAction
