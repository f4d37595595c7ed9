"""Councillors on place pages, and the admin views for the postcode lookup and notices."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from councillor_pages.models import (
    LIST_PHOTO_SPEC,
    CouncillorIndexPage,
    CouncillorPage,
    DigestDelivery,
    EngagementNotification,
    Postcode,
    councillor_list_queryset,
)
from home import fragments, indexes, visibility
from home.admin_tools import RecordViewSet
from home.contracts import (
    PLACE_PAGE_SECTIONS,
    WARD_CONTACTS,
    PlacePageSection,
    Section,
    WardContact,
    provides,
)


@hooks.register(PLACE_PAGE_SECTIONS)
@provides(PlacePageSection.COUNCILLORS)
def your_councillors_section(page, request):
    """ "Your councillors": the councillors of every ward the place lies in.

    The place's wards come with the page; the councillors of a set of wards
    and the councillor index are lookups (home.fragments) renewed whenever a
    councillor page or a ward changes, shared by every place in those wards.
    """
    wards = list(page.wards.all())
    if not wards:
        return None
    councillors = councillors_of(sorted(ward.pk for ward in wards), request)
    index = indexes.index_page(CouncillorIndexPage, request)
    return Section(
        key=PlacePageSection.COUNCILLORS,
        template="components/councillor_pages/place_section.html",
        context={
            "place": page,
            "wards": wards,
            "councillors": councillors,
            "index_url": index.get_url(request) if index else "",
        },
    )


def councillors_of(ward_ids: list[int], request=None) -> list[CouncillorPage]:
    """Live, public councillors of the wards, with what a list item shows (a lookup)."""

    def build():
        queryset = councillor_list_queryset().filter(ward_id__in=ward_ids)
        councillors = list(visibility.public(queryset, request))
        for councillor in councillors:
            if councillor.photo is not None:
                # Made now, so the kept list carries them (no query per render).
                councillor.photo.get_rendition(LIST_PHOTO_SPEC)
        return councillors

    return fragments.cached(
        request,
        fragments.make_key(fragments.LOOKUP, "councillors-of-wards", *ward_ids),
        [
            fragments.listing_name(CouncillorPage),
            fragments.listing_name("places.ward"),
            fragments.RESTRICTIONS,
        ],
        build,
        kind=fragments.LOOKUP,
    )


class PostcodeViewSet(ModelViewSet):
    """The postcode lookup: public reference data, corrected by hand or by `import_postcodes`."""

    model = Postcode
    menu_label = "Postcode lookup"
    icon = "site"
    url_prefix = "councillor_pages/postcode"
    url_namespace = "councillor_pages_postcode"
    list_display = ["__str__", "ward"]
    list_filter = ["ward"]
    search_fields = ["postcode"]
    list_per_page = 50
    form_fields = ["postcode", "ward"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return Postcode.objects.select_related("ward")


class EngagementNotificationViewSet(RecordViewSet):
    model = EngagementNotification
    menu_label = "Engagement notices"
    icon = "mail"
    list_display = ["title", "councillor", "sent_at"]
    search_fields = ["title", "engagement_key"]

    def get_queryset(self, request):
        return EngagementNotification.objects.select_related("councillor")


class DigestDeliveryViewSet(RecordViewSet):
    model = DigestDelivery
    menu_label = "Weekly digests"
    icon = "mail"
    list_display = ["councillor", "period_end", "new_responses", "comments", "sent_at"]

    def get_queryset(self, request):
        return DigestDelivery.objects.select_related("councillor")


class CouncillorRecords(ModelViewSetGroup):
    menu_label = "Councillor records"
    menu_icon = "group"
    menu_order = 320
    items = (PostcodeViewSet, EngagementNotificationViewSet, DigestDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_councillor_records():
    return CouncillorRecords()


@hooks.register(WARD_CONTACTS)
def ward_councillor_contacts(ward):
    """Schools' "invite a councillor" goes to the ward's councillors (see schools.notifications)."""
    return [
        WardContact(email=email, name=name)
        for name, email in CouncillorPage.objects.live()
        .filter(ward=ward)
        .exclude(email="")
        .order_by("email")
        .values_list("title", "email")
    ]
