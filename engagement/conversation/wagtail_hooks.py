from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from engagement.conversation.alerts import story_alert_items
from engagement.conversation.models import (
    CommunityGroup,
    CrowdfundingProject,
    GroupCategory,
    StorySubmission,
    Subscriber,
)
from engagement.conversation.reports import PageFeedbackCommentsView, PageFeedbackReportView
from engagement.conversation.sections import (
    alerts_signup_section,
    community_groups_section,
    crowdfunding_section,
    page_feedback_piece,
    stories_section,
)
from home.admin_tools import PermissionMenuItem, RecordIndexView, RecordViewSet, report_urls
from home.contracts import PAGE_FOOTER_PIECES, PLACE_ALERT_ITEMS, PLACE_PAGE_SECTIONS

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


# --- Operational records: read-only, personal data only with permission ----------


def subscribed_places(subscriber) -> str:
    return ", ".join(
        f"{s.place.title}{'' if s.is_active else ' (not active)'}"
        for s in subscriber.subscriptions.all()
    )


class SubscriberIndexView(RecordIndexView):
    def to_row_dict(self, item):
        return super().to_row_dict({**vars(item), "places": subscribed_places(item)})


class SubscriberViewSet(RecordViewSet):
    """Alert subscribers: listed with the view permission, addresses shown only with the
    personal data permission, exported only with the separate export permission."""

    model = Subscriber
    menu_label = "Alert subscribers"
    icon = "mail"
    personal_fields = ("email",)
    export_permission = "conversation.export_subscriber"
    index_view_class = SubscriberIndexView
    list_display = [
        "__str__",
        "email",
        "created_at",
        Column("places", label="Places", accessor=subscribed_places),
    ]
    search_fields = ["email"]
    ordering = ["-created_at"]
    inspect_view_fields = ["email", "created_at"]
    list_export = ["email", "created_at", "places"]
    export_filename = "alert-subscribers"

    def get_queryset(self, request):
        return Subscriber.objects.prefetch_related("subscriptions__place")


class StorySubmissionViewSet(RecordViewSet):
    """Who sent a story and what they agreed to publish."""

    model = StorySubmission
    menu_label = "Story submissions"
    icon = "doc-full"
    personal_fields = ("name",)
    list_display = ["__str__", "story", "name", "publish_name", "publish_photo"]
    list_filter = ["publish_name", "publish_photo"]
    ordering = ["-submitted_at"]


class ConversationRecords(ModelViewSetGroup):
    menu_label = "Stories and alerts"
    menu_icon = "mail"
    menu_order = 250
    items = (SubscriberViewSet, StorySubmissionViewSet)


@hooks.register("register_admin_viewset")
def register_conversation_records():
    return ConversationRecords()


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
    from engagement.conversation.story_photos import admin_urls

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


# --- Place pages, every page's footer, and alerts ---------------------------------

hooks.register(PLACE_PAGE_SECTIONS, stories_section)
hooks.register(PLACE_PAGE_SECTIONS, community_groups_section)
hooks.register(PLACE_PAGE_SECTIONS, crowdfunding_section)
hooks.register(PLACE_PAGE_SECTIONS, alerts_signup_section)
hooks.register(PAGE_FOOTER_PIECES, page_feedback_piece)
hooks.register(PLACE_ALERT_ITEMS, story_alert_items)
