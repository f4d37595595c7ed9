"""Factories for the places app: wards, the place index and place pages.

Names and codes are made up (Example Ward 1, E0599xxxx); tests never need
real wards.
"""

import factory
import wagtail_factories

from places.models import PlaceIndexPage, PlaceKind, PlacePage, Ward
from tests.factories import default_site_root


class WardFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Example Ward {n}")
    code = factory.Sequence(lambda n: f"E0599{n:04d}")

    class Meta:
        model = Ward
        django_get_or_create = ("code",)


class PlaceIndexPageFactory(wagtail_factories.PageFactory):
    title = "Places"
    slug = "places"
    introduction = "Every town, village and neighbourhood on this site."
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = PlaceIndexPage


def default_place_index() -> PlaceIndexPage:
    """The site's place index, created under the site root if it is missing."""
    index = PlaceIndexPage.objects.first()
    return index or PlaceIndexPageFactory()


class PlacePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Example Town {n}")
    kind = PlaceKind.TOWN
    summary = factory.LazyAttribute(lambda page: f"{page.title} is an example place for tests.")
    parent = factory.LazyFunction(default_place_index)

    class Meta:
        model = PlacePage
        skip_postgeneration_save = True

    @factory.post_generation
    def wards(obj, create, extracted, **kwargs):
        """PlacePageFactory(wards=[ward, ...]) links the place to those wards."""
        if create and extracted:
            obj.wards.set(extracted)
            obj.save()


def create_places(parent, count: int, *, kind=PlaceKind.NEIGHBOURHOOD, wards=(), prefix="Place"):
    """Create `count` live places under `parent` quickly, for query-count tests.

    Skips the factory's extra saves and links wards in one bulk insert; the
    pages are otherwise exactly what an editor would publish.
    """
    start = PlacePage.objects.count()
    parent = parent.specific if hasattr(parent, "specific") else parent
    places = []
    for n in range(start, start + count):
        place = PlacePage(
            title=f"{prefix} {n:04d}",
            slug=f"{prefix.lower()}-{n:04d}",
            kind=kind,
            summary=f"{prefix} {n:04d} is an example place for tests.",
        )
        parent.add_child(instance=place)
        places.append(place)
    through = PlacePage.wards.through
    through.objects.bulk_create(
        [through(placepage_id=place.pk, ward_id=ward.pk) for place in places for ward in wards]
    )
    return places
