"""Small pieces every app's admin uses: permission-gated menu items, the one base for
staff reports and their URLs, and the read-only listing for records that hold
citizens' personal data.

Every admin view of a record is Wagtail's own (ModelViewSet), which checks the
model's permissions in each view: listing, inspect, history, usage, delete and
export. On top of that, the fields that identify a person (see
`RecordViewSet.personal_fields`) are shown, searched and exported only for
staff with `home.view_personal_data` (home.permissions): an officer can work
with records, count and delete them without seeing who they are.
"""

import logging

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.urls import path
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from home.exports import SafeSpreadsheetExportMixin, log_export
from home.permissions import can_see_personal_data

HIDDEN = "Hidden: needs the personal data permission"

logger = logging.getLogger("home.admin")


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with `permission` ("app_label.codename")."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class StaffReportView(SafeSpreadsheetExportMixin, ReportView):
    """The base of every staff report: one permission rule and safe CSV/XLSX exports.

    A report shows figures drawn from `permission_model`, so it needs that
    model's `permission_required` ("view" unless said otherwise). Someone
    without it gets a plain 403, as every report answered before: Wagtail's
    own refusal redirects to the dashboard, which hides why. Exports pass
    every cell through home.exports.
    """

    permission_model: type[models.Model] | None = None
    permission_required = "view"

    @cached_property
    def permission_policy(self):
        if self.permission_model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set permission_model.")
        return ModelPermissionPolicy(self.permission_model)

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, self.permission_required):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)


def report_urls(route: str, view_class, name: str) -> list:
    """A staff report's page and the results fragment its filters refresh."""
    if not issubclass(view_class, StaffReportView):
        raise ImproperlyConfigured(f"{view_class.__name__} must subclass StaffReportView.")
    return [
        path(route, view_class.as_view(), name=name),
        path(f"{route}results/", view_class.as_view(results_only=True), name=f"{name}_results"),
    ]


# --- Records with personal data -------------------------------------------------


def personal_field_names(model, declared=()) -> frozenset[str]:
    """The declared fields, plus every email address and uploaded file on the model.

    Email and file fields count whatever a viewset declares, so a field added
    later (a photo on a story submission, say) is hidden before anyone remembers.
    """
    automatic = {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.EmailField | models.FileField)
    }
    return frozenset(declared) | automatic


def _is_personal(lookup: str, personal: frozenset[str]) -> bool:
    """`lookup` may be a field, a dotted attribute path or a `__` lookup."""
    return lookup.replace(".", "__").split("__")[0] in personal


def _without(personal: frozenset[str], fields) -> list:
    """`fields` (names or Column objects) minus the personal ones."""
    return [f for f in fields or [] if not _is_personal(getattr(f, "name", f), personal)]


class RecordIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    personal_fields = frozenset()
    export_permission = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.shows_personal_data = can_see_personal_data(request.user)
        if not self.shows_personal_data:
            hidden = self.personal_fields
            self.list_display = _without(hidden, self.list_display)
            self.search_fields = _without(hidden, self.search_fields)
            self.list_export = _without(hidden, self.list_export)
        if self.export_permission and not request.user.has_perm(self.export_permission):
            self.list_export = []

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.list_export:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def as_spreadsheet(self, queryset, spreadsheet_format):
        log_export(
            self.request,
            self.model._meta.verbose_name_plural,
            queryset.count(),
            spreadsheet_format,
            personal_data=any(_is_personal(f, self.personal_fields) for f in self.list_export),
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class RecordInspectView(generic.InspectView):
    personal_fields = frozenset()

    def get_field_display_value(self, field_name, field):
        if field_name in self.personal_fields and not can_see_personal_data(self.request.user):
            return HIDDEN
        return super().get_field_display_value(field_name, field)


class RecordViewSet(ModelViewSet):
    """A listing of operational records: inspect, history, delete and export, no editing.

    Records are written by the site (a sign-up, a story, an invitation), and
    some are consent records: staff read them and delete them (an erasure
    request), but do not rewrite them. Set `personal_fields` to the fields that
    identify a person; email and file fields are included automatically.
    `export_permission`, if set, is needed on top of the view permission to
    download the listing.
    """

    personal_fields: tuple[str, ...] = ()
    export_permission: str | None = None
    index_view_class = RecordIndexView
    inspect_view_class = RecordInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50

    @property
    def url_prefix(self):
        return f"{self.app_label}/{self.model_name}"

    @property
    def url_namespace(self):
        return f"{self.app_label}_{self.model_name}"

    def get_hidden_fields(self) -> frozenset[str]:
        return personal_field_names(self.model, self.personal_fields)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, edit_url_name=None)
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            personal_fields=self.get_hidden_fields(),
            export_permission=self.export_permission,
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(personal_fields=self.get_hidden_fields(), **kwargs)

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
            path(f"delete/<{conv}:pk>/", self.delete_view, name="delete"),
            path(f"history/<{conv}:pk>/", self.history_view, name="history"),
            path(
                f"history-results/<{conv}:pk>/",
                self.history_results_view,
                name="history_results",
            ),
            path(f"usage/<{conv}:pk>/", self.usage_view, name="usage"),
        ]

    def register_admin_url_finder(self):
        """No edit view to link to from elsewhere in the admin."""

    def get_permissions_to_register(self):
        return (
            super()
            .get_permissions_to_register()
            .exclude(codename__in=[f"add_{self.model_name}", f"change_{self.model_name}"])
        )
