from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import IndexView

from conversation.alerts import PLACE_ALERT_ITEMS_HOOK, story_alert_items
from conversation.models import (
    CommunityGroup,
    CrowdfundingProject,
    GroupCategory,
    StorySubmission,
    Subscriber,
)
from conversation.reports import PageFeedbackCommentsView, PageFeedbackReportView
from conversation.sections import (
    alerts_signup_section,
    community_groups_section,
    crowdfunding_section,
    stories_section,
)
from home.admin_tools import PermissionMenuItem, report_urls
from home.exports import SafeSpreadsheetExportMixin
from places.models import PLACE_PAGE_SECTIONS_HOOK

# --- Curated content: snippets ------------------------------------------------


class CommunityGroupViewSet(SnippetViewSet):
    model = CommunityGroup
    icon = "group"
    list_display = ["name", "kind", "website"]
    list_filter = ["kind", "categories"]
    search_fields = ["name"]
    ordering = ["name"]


class GroupCategoryViewSet(SnippetViewSet):
    model = GroupCategory
    icon = "tag"
    ordering = ["name"]


class CrowdfundingProjectViewSet(SnippetViewSet):
    model = CrowdfundingProject
    icon = "pick"
    list_display = ["name", "place", "status", "target", "pledged"]
    list_filter = ["status"]
    search_fields = ["name"]
    ordering = ["name"]


class CommunityViewSetGroup(SnippetViewSetGroup):
    items = (CommunityGroupViewSet, GroupCategoryViewSet, CrowdfundingProjectViewSet)
    menu_icon = "group"
    menu_label = "Community"
    menu_name = "community"
    menu_order = 240


register_snippet(CommunityViewSetGroup)


# --- Operational records: modeladmin (personal data, permission only) --------


class SubscriberIndexView(SafeSpreadsheetExportMixin, IndexView):
    def dispatch(self, request, *args, **kwargs):
        if request.GET.get(self.EXPORT_VAR) and not request.user.has_perm(
            "conversation.export_subscriber"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SubscriberAdmin(ModelAdmin):
    """Alert subscribers' addresses: listed only with the view permission, exported only
    with the separate export permission."""

    model = Subscriber
    menu_label = "Alert subscribers"
    menu_icon = "mail"
    index_view_class = SubscriberIndexView
    inspect_view_enabled = True
    inspect_view_fields = ["email", "created_at"]
    list_display = ["email", "created_at", "places"]
    search_fields = ["email"]
    list_export = ["email", "created_at", "places"]
    export_filename = "alert-subscribers"

    def get_list_export(self, request):
        if request.user.has_perm("conversation.export_subscriber"):
            return self.list_export
        return []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subscriptions__place")

    def places(self, obj):
        return ", ".join(
            f"{s.place.title}{'' if s.is_active else ' (not active)'}"
            for s in obj.subscriptions.all()
        )

    places.short_description = "Places"


class StorySubmissionAdmin(ModelAdmin):
    """Who sent a story and what they agreed to publish."""

    model = StorySubmission
    menu_label = "Story submissions"
    menu_icon = "doc-full"
    inspect_view_enabled = True
    list_display = ["submitted_at", "story", "publish_name", "publish_photo"]
    list_filter = ["publish_name", "publish_photo"]


class ConversationAdminGroup(ModelAdminGroup):
    menu_label = "Stories and alerts"
    menu_icon = "mail"
    menu_order = 250
    items = (SubscriberAdmin, StorySubmissionAdmin)


modeladmin_register(ConversationAdminGroup)


# --- Reports -------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_feedback_report_urls():
    return [
        *report_urls(
            "reports/page-feedback/", PageFeedbackReportView, "conversation_feedback_report"
        ),
        *report_urls(
            "reports/page-feedback/comments/",
            PageFeedbackCommentsView,
            "conversation_feedback_comments",
        ),
    ]


@hooks.register("register_admin_urls")
def register_story_photo_urls():
    from conversation.story_photos import admin_urls

    return admin_urls()


@hooks.register("register_reports_menu_item")
def register_feedback_report_menu_item():
    return PermissionMenuItem(
        "Was this page helpful?",
        reverse("conversation_feedback_report"),
        name="page-feedback",
        icon_name="help",
        order=1500,
        permission="conversation.view_pagefeedback",
    )


@hooks.register("register_permissions")
def register_conversation_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="conversation",
        codename__in=["view_pagefeedback", "export_subscriber"],
    )


# --- Place pages and alerts ------------------------------------------------------

hooks.register(PLACE_PAGE_SECTIONS_HOOK, stories_section)
hooks.register(PLACE_PAGE_SECTIONS_HOOK, community_groups_section)
hooks.register(PLACE_PAGE_SECTIONS_HOOK, crowdfunding_section)
hooks.register(PLACE_PAGE_SECTIONS_HOOK, alerts_signup_section)
hooks.register(PLACE_ALERT_ITEMS_HOOK, story_alert_items)
