from django.http import Http404
from django.urls import reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.admin_tools import PermissionMenuItem, RecordViewSet, report_urls
from home.contracts import PLACE_PAGE_SECTIONS, PlacePageSection, Section, provides
from schools.downloads import document_is_public, user_is_editor
from schools.models import CouncillorInvitation, School
from schools.reports import DownloadsReportView


class SchoolViewSet(SnippetViewSet):
    model = School
    icon = "group"
    menu_label = "Schools"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "ward", "phase", "status", "status_date"]
    list_filter = ["phase", "status", "ward"]
    search_fields = ["name"]
    ordering = ["name"]


register_snippet(SchoolViewSet)


class CouncillorInvitationViewSet(RecordViewSet):
    """Teachers' requests: listed with the model's view permission; the teacher's name,
    address and message (which often carries a phone number) only with the personal
    data permission."""

    model = CouncillorInvitation
    menu_label = "Councillor invitations"
    icon = "mail"
    menu_order = 230
    add_to_admin_menu = True
    personal_fields = ("contact_name", "message")
    list_display = ["__str__", "ward", "contact_name", "created_at", "notified_count"]
    list_filter = ["ward"]
    search_fields = ["school_name", "contact_name"]
    ordering = ["-created_at"]


@hooks.register("register_admin_viewset")
def register_invitations():
    return CouncillorInvitationViewSet()


@hooks.register("before_serve_document")
def refuse_files_of_unpublished_resources(document, request):
    """Files of draft or private resources are not public (see schools.downloads)."""
    if user_is_editor(request):
        return None
    if not document_is_public(document):
        raise Http404("This document is not available.")
    return None


@hooks.register(PLACE_PAGE_SECTIONS)
@provides(PlacePageSection.SCHOOLS)
def participating_schools_section(place_page, request):
    schools = list(
        School.objects.filter(ward__places=place_page)
        .select_related("ward")
        .distinct()
        .order_by("name")
    )
    if not schools:
        return None
    return Section(
        key=PlacePageSection.SCHOOLS,
        template="components/schools/place_schools_section.html",
        context={"schools": schools, "place": place_page},
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        *report_urls(
            "reports/learning-resource-downloads/", DownloadsReportView, "schools_downloads_report"
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_downloads_report_menu_item():
    return PermissionMenuItem(
        "Resource downloads",
        reverse("schools_downloads_report"),
        name="learning-resource-downloads",
        icon_name="download",
        order=1400,
        permission="schools.view_downloadcount",
    )


@hooks.register("register_permissions")
def register_download_report_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="schools", codename="view_downloadcount"
    )
