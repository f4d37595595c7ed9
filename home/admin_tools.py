"""Small pieces every app's admin uses: permission-gated menu items and report URLs."""

from django.urls import path
from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with `permission` ("app_label.codename")."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def report_urls(route: str, view_class, name: str) -> list:
    """A Wagtail ReportView's page and the results fragment its filters refresh."""
    return [
        path(route, view_class.as_view(), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]
