"""Engagement in the admin and on other apps' pages.

wagtail-modeladmin is confined to this file (it is in maintenance mode
upstream): the responses listing uses it, made strict here (its history view
checks nothing by itself); moving it to Wagtail's ModelViewSet is a change
here only. Follow-up contacts hold email addresses, so they use Wagtail's own
views through home.admin_tools.RecordViewSet. Staff entry of responses is
ordinary Wagtail admin views.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import HistoryView, IndexView, InspectView

from engagement import insight_admin, views
from engagement.export import EXPORT_COLUMNS, export_row
from engagement.insight_admin import (
    PlaceInsightViewSet,
    PlaceResultsReportView,
    construct_homepage_panels,
)
from engagement.models import FollowUpContact, PlaceStandardFormPage, Submission
from engagement.themes import SCORE_MAX, get_tool_version
from home import visibility
from home.admin_tools import PermissionMenuItem, RecordViewSet, report_urls
from home.contracts import (
    HOME_PAGE_SECTIONS,
    PLACE_PAGE_SECTIONS,
    HomePageSection,
    PlacePageSection,
    Section,
    provides,
)
from home.exports import SafeSpreadsheetExportMixin
from home.permissions import can_see_personal_data

logger = logging.getLogger("engagement.export")

EXPORT_PERMISSION = "engagement.export_submission"


class ViewPermissionHelper(PermissionHelper):
    """Listing needs the model's view permission; records are created elsewhere."""

    def user_can_list(self, user):
        return user.has_perm(f"engagement.view_{self.opts.model_name}")

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and self.user_can_list(user)

    def user_can_create(self, user):
        return False


def without_email_answers(submission, email_questions: dict) -> dict:
    """The extra answers, less those to questions of the email type an editor may have added.

    `email_questions` caches each form's email questions across a listing.
    """
    if submission.form_page_id not in email_questions:
        email_questions[submission.form_page_id] = set(
            submission.form_page.form_fields.filter(field_type="email").values_list(
                "clean_name", flat=True
            )
        )
    hidden = email_questions[submission.form_page_id]
    return {k: v for k, v in (submission.extra_answers or {}).items() if k not in hidden}


class SubmissionIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The responses listing, with exports only for staff allowed to export."""

    @cached_property
    def email_questions(self) -> dict:
        return {}

    def get_heading(self, queryset, field):
        return dict(EXPORT_COLUMNS)[field]

    def to_row_dict(self, item):
        if not can_see_personal_data(self.request.user):
            item.extra_answers = without_email_answers(item, self.email_questions)
        return export_row(item)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        if not self.request.user.has_perm(EXPORT_PERMISSION):
            raise PermissionDenied
        logger.info(
            "%s exported %s Place Standard responses as %s (filters: %s)",
            self.request.user.get_username(),
            queryset.count(),
            spreadsheet_format,
            self.request.GET.urlencode(),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class SubmissionInspectView(InspectView):
    """The response's fields, then each theme's score and comment (escaped by the template)."""

    def get_fields_dict(self):
        fields = super().get_fields_dict()
        tool = get_tool_version(self.instance.tool_version)
        scores = {s.theme: s for s in self.instance.scores.all()}
        for theme in tool.themes:
            score = scores.get(theme.key)
            if score is None:
                value = "Not answered"
            else:
                value = str(score.score) if score.score is not None else "Don't know"
                if score.comment:
                    value += f". Comment: {score.comment}"
            fields.append({"label": theme.name, "value": value})
        answers = self.instance.extra_answers or {}
        if not can_see_personal_data(self.request.user):
            answers = without_email_answers(self.instance, {})
        if answers:
            for name, answer in answers.items():
                fields.append({"label": name.replace("_", " ").capitalize(), "value": answer})
        return fields


class SubmissionHistoryView(HistoryView):
    """modeladmin's history view lets any admin user in: it needs the view permission here."""

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_list(user)


class SubmissionAdmin(ModelAdmin):
    model = Submission
    menu_label = "Responses"
    menu_icon = "list-ul"
    permission_helper_class = ViewPermissionHelper
    index_view_class = SubmissionIndexView
    inspect_view_enabled = True
    inspect_view_class = SubmissionInspectView
    history_view_class = SubmissionHistoryView
    inspect_view_fields = (
        "form_page",
        "place",
        "round_number",
        "channel",
        "status",
        "tool_version",
        "created_at",
        "participants",
        "age_band",
        "postcode_district",
        "entered_by",
    )
    list_display = (
        "created_at",
        "form_page",
        "place",
        "round_number",
        "channel",
        "status",
        "participants",
        "themes_scored",
        "comments",
    )
    list_filter = ("form_page", "place", "channel", "status", "created_at")
    search_fields = ("scores__comment",)
    list_per_page = 50
    export_filename = "place-standard-responses"
    edit_handler = ObjectList([FieldPanel("status")])

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("form_page", "place")
            .prefetch_related("scores")
        )

    def get_list_export(self, request):
        if request.user.has_perm(EXPORT_PERMISSION):
            return [key for key, _heading in EXPORT_COLUMNS]
        return []

    @staticmethod
    def themes_scored(obj):
        return sum(1 for s in obj.scores.all() if s.score is not None and s.score <= SCORE_MAX)

    @staticmethod
    def comments(obj):
        # A plain string: modeladmin escapes it, so comments show as typed.
        text = " | ".join(s.comment for s in obj.scores.all() if s.comment)
        return Truncator(text).chars(160)


class PlaceStandardGroup(ModelAdminGroup):
    menu_label = "Place Standard"
    menu_icon = "form"
    menu_order = 250
    items = (SubmissionAdmin,)


modeladmin_register(PlaceStandardGroup)


class FollowUpContactViewSet(RecordViewSet):
    """Emails given for follow-up: counted and deleted by officers, read only with the
    personal data permission. Kept apart from the responses listing on purpose."""

    model = FollowUpContact
    menu_label = "Follow-up contacts"
    icon = "mail"
    menu_order = 254
    add_to_admin_menu = True
    list_display = ["__str__", "email", "form_page", "delete_after"]
    list_filter = ["form_page"]
    search_fields = ["email"]
    list_export = ["email", "form_page.title", "delete_after"]
    export_headings = {"form_page.title": "Engagement"}
    export_filename = "follow-up-contacts"

    def get_queryset(self, request):
        return FollowUpContact.objects.select_related("form_page")


@hooks.register("register_admin_viewset")
def register_follow_up_contacts():
    return FollowUpContactViewSet()


@hooks.register("register_admin_urls")
def register_staff_entry_urls():
    return [
        path("engagement/enter/", views.enter_index, name="engagement_enter_index"),
        path(
            "engagement/enter/<int:page_id>/",
            views.enter_response,
            name="engagement_enter_response",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_staff_entry_menu_item():
    return PermissionMenuItem(
        "Enter a response",
        reverse("engagement_enter_index"),
        icon_name="edit",
        order=251,
        permission="engagement.add_submission",
    )


def open_forms(request=None):
    now = timezone.now()
    return (
        visibility.public(PlaceStandardFormPage.objects.live(), request)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
    )


@hooks.register(PLACE_PAGE_SECTIONS)
@provides(PlacePageSection.OPEN_FORM)
def place_page_open_form(page, request):
    """The place's open Place Standard form, shown without the editor doing anything."""
    form_page = open_forms(request).filter(place=page).first()
    if form_page is None:
        return None
    return Section(
        key=PlacePageSection.OPEN_FORM,
        template="components/engagement/place_section.html",
        context={"form_page": form_page},
    )


@hooks.register(HOME_PAGE_SECTIONS)
@provides(HomePageSection.OPEN_ENGAGEMENTS)
def home_page_open_engagements(page, request):
    form_pages = list(open_forms(request).select_related("place")[:6])
    if not form_pages:
        return None
    return Section(
        key=HomePageSection.OPEN_ENGAGEMENTS,
        template="components/engagement/home_section.html",
        context={"form_pages": form_pages},
    )


# --- Place insight: the snippet, moderation, dashboard and report (see insight_admin) ---

register_snippet(PlaceInsightViewSet)
hooks.register("construct_homepage_panels", construct_homepage_panels)


@hooks.register("register_admin_urls")
def register_insight_urls():
    return [
        path(
            "engagement/moderate/",
            insight_admin.moderate_comments,
            name="engagement_moderate_comments",
        ),
        *report_urls(
            "reports/place-standard-results/", PlaceResultsReportView, "engagement_results_report"
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return PermissionMenuItem(
        "Moderate comments",
        reverse("engagement_moderate_comments"),
        name="moderate-comments",
        icon_name="comment",
        order=253,
        permission=insight_admin.MODERATE_PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def register_results_report_menu_item():
    return PermissionMenuItem(
        "Place Standard results",
        reverse("engagement_results_report"),
        name="place-standard-results",
        icon_name="view",
        order=1450,
        permission=insight_admin.VIEW_SUBMISSION_PERMISSION,
    )


@hooks.register("register_permissions")
def register_moderation_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="engagement", codename="moderate_themescore"
    )
