"""Every staff report is a StaffReportView (home.admin_tools) and refuses staff without permission.

Issue 11, done-when 3 (the report base). The reports are found by walking the
URL resolver for ReportView subclasses, so a report added anywhere is checked.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.admin.views.reports import ReportView

from home.admin_tools import StaffReportView
from home.exports import SafeSpreadsheetExportMixin


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix, pattern


def our_reports() -> dict[str, type]:
    """URL name -> view class for every report the project registers (Wagtail's own aside)."""
    found = {}
    for prefix, pattern in _patterns(get_resolver()):
        view_class = getattr(pattern.callback, "view_class", None)
        if (
            view_class is not None
            and issubclass(view_class, ReportView)
            and not view_class.__module__.startswith("wagtail.")
            and pattern.name
        ):
            found[f"{prefix}{pattern.name}"] = view_class
    return found


def test_every_report_uses_the_one_base():
    reports = our_reports()
    # The Place Standard results, the two page-feedback reports, and schools' downloads.
    assert len(set(reports.values())) >= 4, reports
    for name, view_class in reports.items():
        assert issubclass(view_class, StaffReportView), name
        assert issubclass(view_class, SafeSpreadsheetExportMixin), name
        assert view_class.permission_model is not None, name


def _permission(view_class) -> Permission:
    model = view_class.permission_model
    return Permission.objects.get(
        content_type__app_label=model._meta.app_label,
        codename=f"{view_class.permission_required}_{model._meta.model_name}",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(our_reports()))
def test_every_report_refuses_staff_without_its_permission(client, django_user_model, url_name):
    view_class = our_reports()[url_name]
    user = django_user_model.objects.create_user("officer", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    url = reverse(url_name)
    for query in ("", "?export=csv", "?export=xlsx"):
        assert client.get(url + query).status_code == 403, (url_name, query)
    user.user_permissions.add(_permission(view_class))
    user = django_user_model.objects.get(pk=user.pk)  # forget cached permissions
    client.force_login(user)
    assert client.get(url).status_code == 200, url_name
