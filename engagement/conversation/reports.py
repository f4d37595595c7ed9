"""Staff report on "Was this page helpful?": per page, then each page's comments.

Both export to CSV and Excel through home.exports, which neutralises
spreadsheet formulas: comments are typed by the public.
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from wagtail.admin.ui.tables import Column, TitleColumn

from engagement.conversation.models import PageFeedback
from home.admin_tools import StaffReportView
from home.text import parse_id


def share(yes: int, responses: int) -> str:
    return f"{round(100 * yes / responses)}%" if responses else ""


class PageFeedbackReportView(StaffReportView):
    page_title = "Was this page helpful?"
    header_icon = "help"
    permission_model = PageFeedback
    index_url_name = "conversation_feedback_report"
    index_results_url_name = "conversation_feedback_report_results"
    paginate_by = 50
    columns = [
        TitleColumn(
            "page__title",
            label="Page",
            get_url=lambda row: (
                reverse("conversation_feedback_comments") + f"?page={row['page_id']}"
            ),
        ),
        Column("responses", label="Responses"),
        Column("yes", label="Yes"),
        Column("no", label="No"),
        Column("share_yes", label="Share of yes"),
        Column("comments", label="Comments"),
    ]
    list_export = ["page__title", "page__url_path", "responses", "yes", "no", "share_yes"]
    export_headings = {
        "page__title": "Page",
        "page__url_path": "Page path",
        "responses": "Responses",
        "yes": "Yes",
        "no": "No",
        "share_yes": "Share of yes",
    }

    def get_filename(self):
        return f"page-feedback-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        return (
            PageFeedback.objects.values("page_id", "page__title", "page__url_path")
            .annotate(
                responses=Count("pk"),
                yes=Count("pk", filter=Q(helpful=True)),
                no=Count("pk", filter=Q(helpful=False)),
                comments=Count("pk", filter=~Q(comment="")),
            )
            .order_by("-responses", "page__title", "page_id")
        )

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        for row in rows:
            row["share_yes"] = share(row["yes"], row["responses"])
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(queryset), spreadsheet_format
        )


class PageFeedbackCommentsView(StaffReportView):
    page_title = "Feedback comments"
    header_icon = "comment"
    permission_model = PageFeedback
    index_url_name = "conversation_feedback_comments"
    index_results_url_name = "conversation_feedback_comments_results"
    paginate_by = 50
    columns = [
        Column("created_at", label="Time"),
        Column("page", label="Page"),
        Column("answer", label="Helpful?"),
        Column("comment", label="Comment"),
    ]
    list_export = ["created_at", "page.title", "answer", "comment"]
    export_headings = {
        "created_at": "Time",
        "page.title": "Page",
        "answer": "Helpful?",
        "comment": "Comment",
    }

    def get_filename(self):
        return f"page-feedback-comments-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        rows = PageFeedback.objects.select_related("page").order_by("-created_at", "-pk")
        if (page_id := parse_id(self.request.GET.get("page"))) is not None:
            rows = rows.filter(page_id=page_id)
        return rows

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        for row in rows:
            row.answer = "Yes" if row.helpful else "No"
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(queryset), spreadsheet_format
        )
