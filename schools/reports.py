"""Staff report: downloads by resource and month, with CSV and Excel export."""

import datetime

from django.db.models import Q, Sum
from wagtail.admin.ui.tables import Column

from home.admin_tools import StaffReportView
from schools.models import DownloadCount


class DownloadsReportView(StaffReportView):
    page_title = "Learning resource downloads"
    header_icon = "download"
    index_url_name = "schools_downloads_report"
    index_results_url_name = "schools_downloads_report_results"
    permission_model = DownloadCount
    paginate_by = 50
    columns = [
        Column("month_label", label="Month"),
        Column("resource__title", label="Resource"),
        Column("file_downloads", label="Single files"),
        Column("zip_downloads", label="Download all (zip)"),
        Column("total", label="Total"),
    ]
    list_export = ["month_label", "resource__title", "file_downloads", "zip_downloads", "total"]
    export_headings = {
        "month_label": "Month",
        "resource__title": "Resource",
        "file_downloads": "Single files",
        "zip_downloads": "Download all (zip)",
        "total": "Total",
    }

    def get_filename(self):
        return f"learning-resource-downloads-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        rows = (
            DownloadCount.objects.values("month", "resource_id", "resource__title")
            .annotate(
                file_downloads=Sum("count", filter=~Q(file_key=DownloadCount.ZIP_KEY), default=0),
                zip_downloads=Sum("count", filter=Q(file_key=DownloadCount.ZIP_KEY), default=0),
                total=Sum("count"),
            )
            .order_by("-month", "resource__title", "resource_id")
        )
        return rows

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        for row in rows:
            row["month_label"] = row["month"].strftime("%Y-%m")
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(queryset), spreadsheet_format
        )
