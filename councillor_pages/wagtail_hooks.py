"""Councillors on place pages, and the admin views for the postcode lookup and notices."""

from wagtail import hooks
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from councillor_pages.models import (
    CouncillorIndexPage,
    CouncillorPage,
    DigestDelivery,
    EngagementNotification,
    Postcode,
    councillor_list_queryset,
)
from home.sections import Section
from places.models import PLACE_PAGE_SECTIONS_HOOK


@hooks.register(PLACE_PAGE_SECTIONS_HOOK)
def your_councillors_section(page, request):
    """ "Your councillors": the councillors of every ward the place lies in (three queries)."""
    wards = list(page.wards.all())
    if not wards:
        return None
    councillors = list(councillor_list_queryset().filter(ward__in=wards))
    index = CouncillorIndexPage.objects.live().public().first()
    return Section(
        template="components/councillor_pages/place_section.html",
        context={
            "place": page,
            "wards": wards,
            "councillors": councillors,
            "index_url": index.get_url(request) if index else "",
        },
        order=40,
    )


class PostcodeAdmin(ModelAdmin):
    model = Postcode
    menu_label = "Postcode lookup"
    menu_icon = "site"
    list_display = ["__str__", "ward"]
    list_filter = ["ward"]
    search_fields = ["postcode"]
    list_per_page = 50
    inspect_view_enabled = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ward")


class EngagementNotificationAdmin(ModelAdmin):
    model = EngagementNotification
    menu_label = "Engagement notices"
    menu_icon = "mail"
    list_display = ["title", "councillor", "sent_at"]
    search_fields = ["title", "engagement_key"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("councillor")


class DigestDeliveryAdmin(ModelAdmin):
    model = DigestDelivery
    menu_label = "Weekly digests"
    menu_icon = "mail"
    list_display = ["councillor", "period_end", "new_responses", "comments", "sent_at"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("councillor")


class CouncillorRecordsGroup(ModelAdminGroup):
    menu_label = "Councillor records"
    menu_icon = "group"
    menu_order = 320
    items = (PostcodeAdmin, EngagementNotificationAdmin, DigestDeliveryAdmin)


modeladmin_register(CouncillorRecordsGroup)


@hooks.register("register_ward_contacts")
def ward_councillor_emails(ward):
    """Schools' "invite a councillor" goes to the ward's councillors (see schools.notifications)."""
    return list(
        CouncillorPage.objects.live()
        .filter(ward=ward)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
