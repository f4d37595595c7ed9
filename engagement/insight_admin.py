"""Place insight in the admin: the snippet, moderation, the dashboard panel and the report.

Staff see every number here (`staff_figures`), marked with whether the public
would see it; public pages use `public_figures` only. Comments appear as the
person typed them, escaped by the templates, because moderators must read the
original to decide.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods
from django.views.defaults import permission_denied
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList, Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from engagement.compass import render_compass
from engagement.insight import staff_figures, tallies_for
from engagement.insight_models import ModerationDecision, PlaceInsight, RoundTally
from engagement.models import COMMENT_MAX_LENGTH, Moderation, Submission, ThemeScore
from engagement.moderation import moderate
from engagement.themes import STANDARD_2015
from home.admin_tools import StaffReportView
from places.models import PlacePage

MODERATE_PERMISSION = "engagement.moderate_themescore"
VIEW_SUBMISSION_PERMISSION = "engagement.view_submission"
MODERATION_PAGE_SIZE = 25
TWO_PLACES = Decimal("0.01")


def two_dp(value: float | None) -> Decimal | None:
    """A mean as a spreadsheet number with two decimal places (Decimal keeps "3.40")."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round_figures(place_id: int, round_number: int, label: str):
    tally = tallies_for([(place_id, round_number)]).get((place_id, round_number))
    return staff_figures(label, round_number, [tally] if tally else [])


# --- The snippet -----------------------------------------------------------------


class RoundFiguresPanel(Panel):
    """Read-only: the round's current figures, as staff see them, above the editors' fields."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "engagement/admin/insight/figures_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            insight = self.instance
            context["figures"] = None
            # Live figures include cells under the minimum: only staff who may
            # read the responses themselves see them (writing the summary does
            # not need them, and the public page shows what is published).
            context["may_see_figures"] = self.request.user.has_perm("engagement.view_submission")
            if not context["may_see_figures"]:
                return context
            if insight is None or not insight.place_id or not insight.round_number:
                return context
            label = f"{insight.place.title}, {insight.heading_label.lower()}"
            figures = round_figures(insight.place_id, insight.round_number, label)
            context["figures"] = figures
            context["compass"] = render_staff_compass(figures, insight)
            return context


def render_staff_compass(figures, insight):
    """The public chart, drawn from the staff figures, so staff see what the public will."""
    return render_compass(
        figures,
        title=f"Compass for {insight.place.title}, {insight.heading_label.lower()}",
        description=(
            "Mean score of each of the 14 themes, from 1 at the centre to 7 at the edge. "
            "Staff view: includes themes with too few answers to publish."
        ),
    )


def highlight_choices(place_id, round_number):
    """Comments an editor may highlight: approved for public view, from this place and round."""
    if not place_id or not round_number:
        return ThemeScore.objects.none()
    return (
        ThemeScore.objects.public_comments()
        .filter(submission__place_id=place_id, submission__round_number=round_number)
        .order_by("theme", "pk")
    )


def highlight_label(comment) -> str:
    return f"{comment.get_theme_display()}: {Truncator(comment.public_comment).chars(120)}"


class PlaceInsightForm(WagtailAdminModelForm):
    """Offers as highlights only the approved comments of the insight's place and round.

    The place and round come from what was posted (so a new insight, or one
    moved to another round, is checked against the new values), else from the
    saved insight. `HighlightedComment.clean` checks the same again.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place_id, round_number = self.instance.place_id, self.instance.round_number
        if self.is_bound:
            place_id = _as_int(self.data.get(self.add_prefix("place"))) or place_id
            round_number = _as_int(self.data.get(self.add_prefix("round_number"))) or round_number
        formset = self.formsets.get("highlights")
        if formset is not None:
            formset.form = _scoped_highlight_form(formset.form, place_id, round_number)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scoped_highlight_form(form_class, place_id, round_number):
    queryset = highlight_choices(place_id, round_number)

    class ScopedHighlightForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields["comment"]
            field.queryset = queryset
            field.label_from_instance = highlight_label
            if not place_id:
                field.help_text = "Choose the place and round, save, then choose comments."

    ScopedHighlightForm.__name__ = form_class.__name__
    return ScopedHighlightForm


class PlaceInsightViewSet(SnippetViewSet):
    model = PlaceInsight
    icon = "view"
    menu_label = "Place insight"
    menu_name = "place-insight"
    menu_order = 252
    add_to_admin_menu = True
    list_display = [
        Column("place", label="Place"),
        Column("heading_label", label="Round"),
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    list_filter = ["place", "live"]
    ordering = ["place__title", "-round_number"]
    edit_handler = ObjectList(
        [RoundFiguresPanel(heading="This round's figures (staff view)"), *PlaceInsight.panels],
        base_form_class=PlaceInsightForm,
    )

    def get_queryset(self, request):
        return PlaceInsight.objects.select_related("place")


# --- Moderation ----------------------------------------------------------------


Decision = ModerationDecision.Decision
STATUS_CHOICES = [
    (Moderation.PENDING, "Waiting for moderation"),
    (Moderation.APPROVED, "Approved"),
    (Moderation.REJECTED, "Rejected"),
]
REDACTION_HINT = (
    "Only used for \u201capprove with redaction\u201d. Replace the parts to hide with "
    "[redacted] and leave the rest as the person wrote it."
)


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (Decision.APPROVED, "Approve"),
            (Decision.REDACTED, "Approve with redaction"),
            (Decision.REJECTED, "Reject"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, approve with redaction or reject."},
    )
    redacted_text = forms.CharField(
        label="Text to publish",
        required=False,
        strip=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea,
    )

    def __init__(self, *args, comment, **kwargs):
        kwargs.setdefault("prefix", f"c{comment.pk}")
        kwargs.setdefault("initial", {"redacted_text": comment.comment})
        super().__init__(*args, **kwargs)
        self.comment = comment

    @property
    def hint_id(self):
        return f"{self.prefix}-text-hint"

    @property
    def error_ids(self):
        return {name: f"{self.prefix}-{name}-error" for name in self.fields}


def forbidden(request):
    """A plain 403: Wagtail turns a raised PermissionDenied into a redirect to the dashboard."""
    return permission_denied(request, PermissionDenied())


def moderation_listing(request):
    """The comments for one page of the screen, with their history, in a fixed number of queries."""
    status = request.GET.get("status") or Moderation.PENDING
    if status not in dict(STATUS_CHOICES):
        status = Moderation.PENDING
    place = _as_int(request.GET.get("place"))
    comments = ThemeScore.objects.moderatable().filter(moderation=status)
    if place:
        comments = comments.filter(submission__place_id=place)
    comments = (
        comments.select_related("submission")
        .annotate(place_title=F("submission__place__title"))
        .only(
            "pk",
            "theme",
            "score",
            "comment",
            "moderation",
            "public_comment",
            "submission__place_id",
            "submission__round_number",
            "submission__created_at",
        )
        .prefetch_related(
            Prefetch(
                "moderation_decisions",
                queryset=ModerationDecision.objects.order_by("-decided_at", "-pk"),
            )
        )
        .order_by("submission__created_at", "pk")
    )
    page = Paginator(comments, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return status, place, page


@require_http_methods(["GET", "POST"])
def moderate_comments(request):
    """List comments to moderate; a POST decides on exactly one of them."""
    if not request.user.has_perm(MODERATE_PERMISSION):
        return forbidden(request)
    bound_form = None
    if request.method == "POST":
        comment = get_object_or_404(
            ThemeScore.objects.moderatable()
            .select_related("submission")
            .annotate(place_title=F("submission__place__title")),
            pk=_as_int(request.POST.get("comment")),
        )
        bound_form = ModerationForm(request.POST, comment=comment)
        if bound_form.is_valid():
            try:
                moderate(
                    comment,
                    bound_form.cleaned_data["decision"],
                    request.user,
                    bound_form.cleaned_data["redacted_text"],
                )
            except ValidationError as error:
                _add_errors(bound_form, error)
        if bound_form.is_valid():
            decision = dict(Decision.choices)[bound_form.cleaned_data["decision"]]
            messages.success(
                request,
                f"Comment on {comment.get_theme_display().lower()}: {decision.lower()}.",
            )
            return redirect(request.get_full_path())

    status, place, page = moderation_listing(request)
    entries = []
    for comment in page.object_list:
        if bound_form is not None and bound_form.comment.pk == comment.pk:
            form = bound_form
        else:
            form = ModerationForm(comment=comment)
        entries.append({"comment": comment, "form": form})
    if bound_form is not None and not any(e["form"] is bound_form for e in entries):
        # Decided on from another page or filter: show it first so the error is visible.
        entries.insert(0, {"comment": bound_form.comment, "form": bound_form})
    context = {
        "header_title": "Moderate comments",
        "entries": entries,
        "page_obj": page,
        "status": status,
        "status_choices": STATUS_CHOICES,
        "place": place,
        "places": PlacePage.objects.order_by("title").values_list("pk", "title"),
        "error_form": bound_form if bound_form is not None and bound_form.errors else None,
        "post_url": request.get_full_path(),
        "query": _query_without_page(request),
        "redaction_hint": REDACTION_HINT,
    }
    return TemplateResponse(
        request,
        "engagement/admin/insight/moderate.html",
        context,
        status=400 if context["error_form"] else 200,
    )


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Dashboard -----------------------------------------------------------------


class InsightDashboardPanel(Component):
    """Responses this week by form, and comments waiting for moderation: two queries at most."""

    name = "place_insight"
    order = 120
    template_name = "engagement/admin/insight/dashboard_panel.html"

    def __init__(self, *, show_responses: bool, show_moderation: bool):
        self.show_responses = show_responses
        self.show_moderation = show_moderation

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["show_responses"] = self.show_responses
        context["show_moderation"] = self.show_moderation
        if self.show_responses:
            since = timezone.now() - datetime.timedelta(days=7)
            context["responses_by_form"] = list(
                Submission.objects.counted()
                .filter(created_at__gte=since)
                .values("form_page_id", title=F("form_page__title"))
                .annotate(count=Count("pk"))
                .order_by("-count", "title", "form_page_id")[:20]
            )
        if self.show_moderation:
            context["awaiting_moderation"] = ThemeScore.objects.awaiting_moderation().count()
            context["moderation_url"] = reverse("engagement_moderate_comments")
        return context


def construct_homepage_panels(request, panels):
    show_responses = request.user.has_perm(VIEW_SUBMISSION_PERMISSION)
    show_moderation = request.user.has_perm(MODERATE_PERMISSION)
    if show_responses or show_moderation:
        panels.append(
            InsightDashboardPanel(show_responses=show_responses, show_moderation=show_moderation)
        )


# --- Report --------------------------------------------------------------------


class PlaceResultsReportView(StaffReportView):
    """Every place and round with a tally; staff numbers, marked where under the minimum."""

    page_title = "Place Standard results"
    header_icon = "view"
    index_url_name = "engagement_results_report"
    index_results_url_name = "engagement_results_report_results"
    permission_model = Submission
    paginate_by = 50
    columns = [
        Column("place_title", label="Place"),
        Column("round_number", label="Round"),
        Column("published", label="Published"),
        Column("responses", label="Responses"),
        Column("participants", label="Participants"),
        Column("shown_publicly", label="Shown publicly"),
        *[
            Column(f"mean_{theme.key}_display", label=f"{theme.name} (mean)")
            for theme in STANDARD_2015.themes
        ],
    ]
    list_export = [
        "place_title",
        "round_number",
        "published",
        "responses",
        "participants",
        "shown_publicly",
        *[f"mean_{theme.key}" for theme in STANDARD_2015.themes],
        "under_minimum",
    ]
    export_headings = {
        "place_title": "Place",
        "round_number": "Round",
        "published": "Published",
        "responses": "Responses",
        "participants": "Participants",
        "shown_publicly": "Shown publicly",
        **{f"mean_{theme.key}": f"{theme.name} (mean)" for theme in STANDARD_2015.themes},
        "under_minimum": "Themes under the minimum",
    }

    def get_filename(self):
        return f"place-standard-results-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        return (
            RoundTally.objects.annotate(
                place_title=F("place__title"),
                published=Exists(
                    PlaceInsight.objects.filter(
                        place_id=OuterRef("place_id"),
                        round_number=OuterRef("round_number"),
                        live=True,
                    )
                ),
            )
            .prefetch_related("themes")
            .order_by("place_title", "place_id", "round_number")
        )

    def paginate_queryset(self, queryset, page_size):
        # The table is built from the page before ReportView decorates it: decorate here.
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, self.decorate_paginated_queryset(object_list), is_paginated

    def decorate_paginated_queryset(self, object_list):
        if object_list and isinstance(next(iter(object_list)), dict):
            return object_list  # already decorated: ReportView calls this again
        return [result_row(tally) for tally in object_list]

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(queryset), spreadsheet_format
        )


def result_row(tally: RoundTally) -> dict:
    """One report row; `tally` comes annotated with `place_title` and `published`."""
    figures = staff_figures(tally.place_title, tally.round_number, [tally])
    row = {
        "place_title": tally.place_title,
        "round_number": tally.round_number,
        "published": "yes" if tally.published else "no",
        "responses": tally.responses,
        "participants": tally.participants,
        "shown_publicly": "yes" if figures.shown else f"no: under {figures.minimum} responses",
        "under_minimum": "; ".join(t.name for t in figures.themes if not t.shown),
    }
    for theme in figures.themes:
        mean = two_dp(theme.mean)
        row[f"mean_{theme.key}"] = mean
        if mean is None:
            display = "none"
        elif theme.shown:
            display = f"{mean}"
        else:
            display = f"{mean} (under minimum)"
        row[f"mean_{theme.key}_display"] = display
    return row
