"""Places people call home, and the electoral wards they lie in.

Local identity comes first: a place is what people call home (a town, a
village, a neighbourhood); a ward is an electoral area that councillors
represent. A place links to the ward(s) it lies in; a ward lists its places.
"""

import string
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home import indexes, sections, visibility
from home.blocks import BodyStreamBlock
from home.contracts import PLACE_PAGE_SECTIONS


class Ward(index.Indexed, models.Model):
    """An electoral ward: the area a set of councillors represents."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        max_length=12,
        unique=True,
        help_text="The official ONS code, for example E05001234. It links postcodes to wards.",
    )

    panels = [FieldPanel("name"), FieldPanel("code")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlaceKind(models.TextChoices):
    DISTRICT = "district", "District"
    TOWN = "town", "Town"
    VILLAGE = "village", "Village"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


PLACES_PER_PAGE = 24
LETTERS = list(string.ascii_uppercase)


@dataclass(frozen=True)
class PlaceFilters:
    """The place index's filters, read from the query string.

    Unknown values are ignored rather than rejected: a shared link with a
    stale ward code still shows places, and says which filters applied.
    """

    kind: str = ""
    ward: str = ""
    letter: str = ""

    @classmethod
    def from_query(cls, query) -> "PlaceFilters":
        kind = query.get("kind", "")
        ward = query.get("ward", "").strip().upper()
        letter = query.get("letter", "").strip().upper()
        return cls(
            kind=kind if kind in PlaceKind.values else "",
            ward=ward if ward and Ward.objects.filter(code=ward).exists() else "",
            letter=letter if letter in LETTERS else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.kind or self.ward or self.letter)

    def apply(self, places):
        if self.kind:
            places = places.filter(kind=self.kind)
        if self.ward:
            places = places.filter(wards__code=self.ward)
        if self.letter:
            places = places.filter(title__istartswith=self.letter)
        return places


class PlaceTag(TaggedItemBase):
    content_object = ParentalKey(
        "places.PlacePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PlaceIndexPage(Page):
    """All the places on the site, by kind and A to Z, filterable by ward."""

    introduction = models.TextField(blank=True, max_length=600)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["places.PlacePage"]
    max_count = 1
    template = "pages/place_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    class Meta:
        verbose_name = "place index page"

    cache_listings = ("places.placepage", "places.ward")

    def get_content_context(self, request) -> dict:
        filters = PlaceFilters.from_query(request.GET)
        places = (
            visibility.public(PlacePage.objects.live(), request)
            .descendant_of(self)
            .order_by("title")
            .prefetch_related("wards")
        )
        places = filters.apply(places)
        paginator = Paginator(places, PLACES_PER_PAGE)
        page_number = request.GET.get("page")
        places_page = paginator.get_page(page_number)
        return {
            "filters": filters,
            "places": places_page,
            "paginator": paginator,
            "kinds": PlaceKind.choices,
            "wards": list(Ward.objects.only("name", "code")),
            "letters": LETTERS,
        }


class PlacePage(Page):
    """A place people call home, from the whole district down to a neighbourhood."""

    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.TOWN)
    summary = models.TextField(max_length=600, help_text="What this place is, in a few sentences.")
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Give the image a description in the image library: it becomes the alt text.",
    )
    body = StreamField(BodyStreamBlock(), blank=True)
    wards = ParentalManyToManyField(Ward, blank=True, related_name="places")
    neighbours = ParentalManyToManyField(
        "self", blank=True, symmetrical=False, related_name="neighbour_of"
    )
    tags = ClusterTaggableManager(through=PlaceTag, blank=True, verbose_name="topics")

    parent_page_types = ["places.PlaceIndexPage", "places.PlacePage"]
    # No subpage_types: Wagtail would then refuse every type it does not list, and
    # places may not name the feature apps. A page type that may sit under a place
    # (a Place Standard form, ...) opts in with its own parent_page_types.
    template = "pages/place_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("wards"), FieldPanel("neighbours"), FieldPanel("tags")],
            heading="Where it is and what it is about",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = "place page"

    #: Lists other places (its children, its neighbours) and names its wards.
    cache_listings = ("places.placepage", "places.ward", "places.placeindexpage")
    cache_section_hook = PLACE_PAGE_SECTIONS
    #: Loaded with the page when it is served (home.routing.load).
    route_select_related = ("hero_image",)

    def get_content_context(self, request) -> dict:
        """What the page's content shows (home_tags.cached_content calls this on a miss).

        The place's wards and topics are read once, for the page and every
        section; its child places and neighbours in one query.
        """
        prefetch_related_objects([self], "wards", "tags")
        through = PlacePage.neighbours.through
        is_neighbour = Exists(
            through.objects.filter(from_placepage_id=self.pk, to_placepage_id=OuterRef("pk"))
        )
        related = list(
            visibility.public(PlacePage.objects.live(), request)
            .annotate(is_neighbour=is_neighbour)
            .filter(Q(is_neighbour=True) | Q(path__startswith=self.path, depth=self.depth + 1))
            .order_by("title")
        )
        place_index = indexes.index_page(PlaceIndexPage, request)
        return {
            "child_places": [place for place in related if place.depth == self.depth + 1],
            "neighbour_places": [place for place in related if place.is_neighbour],
            "wards_list": list(self.wards.all()),
            "tags": list(self.tags.all()),
            "place_index_url": place_index.get_url(request) if place_index else "",
            "section_html": sections.render_sections(PLACE_PAGE_SECTIONS, self, request),
        }
