"""Factories for councillor pages. Every councillor here is a made-up example."""

import factory
import wagtail_factories

from councillor_pages.models import (
    CouncillorIndexPage,
    CouncillorPage,
    CouncillorRole,
    CouncillorSurgery,
)
from tests.factories import default_site_root
from tests.factories.places import WardFactory


class CouncillorIndexPageFactory(wagtail_factories.PageFactory):
    title = "Your councillors"
    slug = "councillors"
    introduction = "Find the councillors who represent you."
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = CouncillorIndexPage


def default_councillor_index() -> CouncillorIndexPage:
    return CouncillorIndexPage.objects.first() or CouncillorIndexPageFactory()


class CouncillorPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Example Councillor {n:03d}")
    party = "Example Party One"
    ward = factory.SubFactory(WardFactory)
    email = factory.Sequence(lambda n: f"councillor{n}@example.org")
    phone = "01632 960000"
    biography = "<p>An example councillor for tests.</p>"
    parent = factory.LazyFunction(default_councillor_index)

    class Meta:
        model = CouncillorPage
        skip_postgeneration_save = True

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        """CouncillorPageFactory(roles=[(kind, title), ...])."""
        if create and extracted:
            CouncillorRole.objects.bulk_create(
                CouncillorRole(page=obj, kind=kind, title=title, sort_order=n)
                for n, (kind, title) in enumerate(extracted)
            )

    @factory.post_generation
    def surgeries(obj, create, extracted, **kwargs):
        """CouncillorPageFactory(surgeries=[{"when": ..., "where": ...}, ...])."""
        if create and extracted:
            CouncillorSurgery.objects.bulk_create(
                CouncillorSurgery(page=obj, sort_order=n, **surgery)
                for n, surgery in enumerate(extracted)
            )


EXAMPLE_SURGERY = {
    "when": "Every second Tuesday, 6pm to 7pm",
    "where": "Example Community Centre, 1 Example Street",
    "how_to_book": "No need to book: drop in.",
    "accessibility": "Step-free entrance and a hearing loop.",
}
