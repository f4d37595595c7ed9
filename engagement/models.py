"""Place Standard engagements and the responses they collect.

A `PlaceStandardFormPage` asks the 14 fixed themes (see `engagement.themes`)
about one place in one round, plus any extra questions editors add with
Wagtail's form builder. Each response is one `Submission` row and one
`ThemeScore` row per theme the person answered or commented on, so results are
plain SQL aggregates (COUNT, AVG, GROUP BY score). A theme skipped with no
comment has no row; a theme skipped ("I don't know") but commented on has a
row with a NULL score, which AVG and COUNT(score) ignore.

Personal data is kept apart: a follow-up email lives in `FollowUpContact`,
which is not linked to the answers (no key, no shared order, no time to
match them by), carries the consent wording the person agreed to and a
delete-after date (see the `delete_expired_follow_up_contacts`
command).
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from engagement.themes import (
    DEFAULT_TOOL_VERSION,
    SCORE_MAX,
    SCORE_MIN,
    THEME_CHOICES,
    TOOL_VERSION_CHOICES,
    get_tool_version,
)
from home import ratelimit, visibility

#: Longest comment accepted per theme; the form says so beside each box.
COMMENT_MAX_LENGTH = 1000

#: What a person agrees to when they give an email for follow-up. A new
#: wording gets a new key; stored consents keep the key they agreed to.
CONSENT_WORDINGS = {
    "follow-up-2025-1": (
        "I agree that the council may email me about what happens next with this "
        "engagement. My email is kept apart from my answers and deleted after {days} days."
    ),
    # Retention counts from the engagement's close, not from the day the person
    # answered: the contact then carries no date of its own to match answers by.
    "follow-up-2026-1": (
        "I agree that the council may email me about what happens next with this "
        "engagement. My email is kept apart from my answers and deleted {days} days "
        "after the engagement closes."
    ),
}
CURRENT_CONSENT_VERSION = "follow-up-2026-1"
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]


def follow_up_retention_days() -> int:
    return getattr(settings, "ENGAGEMENT_FOLLOW_UP_RETENTION_DAYS", 365)


class EngagementIndexPage(Page):
    """Have your say: every Place Standard engagement, open ones first.

    Place Standard forms live here (or under their place page, where the
    places app allows it); each names the place it asks about.
    """

    introduction = models.TextField(blank=True, max_length=600)

    parent_page_types = ["home.HomePage"]
    subpage_types = ["engagement.PlaceStandardFormPage"]
    max_count = 1
    template = "pages/engagement/engagement_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("introduction")]

    class Meta:
        verbose_name = "engagement index page"

    cache_listings = ("engagement.placestandardformpage", "places.placepage")

    def get_content_context(self, request) -> dict:
        now = timezone.now()
        forms = (
            visibility.public(PlaceStandardFormPage.objects.live(), request)
            .select_related("place")
            .only(
                "id",
                "title",
                "url_path",
                "depth",
                "path",
                "locale_id",
                "opens_at",
                "closes_at",
                "round_number",
                "round_label",
                "place__title",
            )
        )
        closed = forms.filter(closes_at__lte=now).order_by("-closes_at", "pk")
        return {
            "open_forms": list(
                forms.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "pk")[:50]
            ),
            "page_obj": Paginator(closed, 20).get_page(request.GET.get("page")),
        }


class PlaceStandardFormField(AbstractFormField):
    """An extra question an editor adds to a Place Standard form."""

    page = ParentalKey(
        "engagement.PlaceStandardFormPage", on_delete=models.CASCADE, related_name="form_fields"
    )


class PlaceStandardAdminForm(WagtailAdminFormPageForm):
    """Defaults the place to the place page the form sits under."""

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("place") and self.parent_page is not None:
            parent = self.parent_page.specific
            if parent._meta.label == "places.PlacePage":
                cleaned_data["place"] = parent
                self.instance.place = parent
        if not cleaned_data.get("place"):
            self.add_error("place", "Choose the place this form asks about.")
        return cleaned_data


class PlaceStandardFormPage(AbstractEmailForm):
    """A Place Standard engagement: one place, one round, open between two dates."""

    place = models.ForeignKey(
        "places.PlacePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_standard_forms",
        help_text="The place this form asks about. Under a place page, leave it empty to "
        "use that place.",
    )
    round_number = models.PositiveSmallIntegerField(
        default=1,
        help_text="1 the first time this place uses the tool, 2 the next time, and so on. "
        "Results compare rounds.",
    )
    round_label = models.CharField(
        max_length=80, blank=True, help_text="What people call this round, e.g. 'Spring 2026'."
    )
    opens_at = models.DateTimeField(help_text="The form accepts responses from this moment.")
    closes_at = models.DateTimeField(help_text="The form stops accepting responses at this moment.")
    tool_version = models.CharField(
        max_length=40,
        choices=TOOL_VERSION_CHOICES,
        default=DEFAULT_TOOL_VERSION,
        help_text="The wording people see. Scores are stored by theme, whatever the wording.",
    )
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    privacy_notice = RichTextField(
        features=RICH_TEXT_FEATURES,
        help_text="What you collect, why, who sees it and how long you keep it.",
    )
    thank_you_text = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    base_form_class = PlaceStandardAdminForm
    # Under the place it asks about, or under the engagement index. PlacePage
    # leaves subpage_types unset, so this list alone decides (places names no
    # feature page type).
    parent_page_types = ["engagement.EngagementIndexPage", "places.PlacePage"]
    subpage_types = []
    template = "pages/engagement/place_standard_form_page.html"
    #: The light page a successful POST redirects to (Post/Redirect/Get).
    landing_page_template = "pages/engagement/place_standard_form_confirmation.html"
    #: Its path under the form page's own URL.
    CONFIRMATION_PATH = "thank-you"

    content_panels = [
        *AbstractEmailForm.content_panels,
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("round_number"), FieldPanel("round_label")], heading="Round"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading="Open"),
        FieldPanel("tool_version"),
        FieldPanel("intro"),
        FieldPanel("privacy_notice"),
        InlinePanel("form_fields", label="Extra questions"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldPanel("to_address", permission="superuser"),
                FieldPanel("from_address", permission="superuser"),
                FieldPanel("subject", permission="superuser"),
            ],
            heading="Notify by email (superusers only)",
            permission="superuser",
        ),
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = "Place Standard form page"

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing date must be after the opening date."})

    def save(self, *args, **kwargs):
        if self.place_id is None and self.depth and self.depth > 1:
            parent = self.get_parent()
            if parent is not None and parent.specific_class._meta.label == "places.PlacePage":
                self.place_id = parent.pk
        super().save(*args, **kwargs)

    @property
    def tool(self):
        return get_tool_version(self.tool_version)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_not_opened(self, now=None) -> bool:
        return (now or timezone.now()) < self.opens_at

    def get_form_class(self):
        from engagement.forms import build_public_form_class

        return build_public_form_class(self)

    def get_submissions(self):
        return Submission.objects.filter(form_page=self)

    def serve_submissions_list_view(self, request, *args, **kwargs):
        # Responses are personal: they are listed (with the permission check)
        # by the engagement admin, not Wagtail's generic form submissions view.
        from django.shortcuts import redirect

        url = reverse("engagement_submission_modeladmin_index")
        return redirect(f"{url}?form_page__page_ptr__exact={self.pk}")

    def route(self, request, path_components):
        # The confirmation is a route of this page (it has no child pages), so
        # it is served under the page's own privacy and site rules.
        if path_components == [self.CONFIRMATION_PATH]:
            if not self.live:
                raise Http404
            return RouteResult(self, kwargs={"confirmation": True})
        return super().route(request, path_components)

    def confirmation_url(self, request=None) -> str:
        return f"{self.get_url(request=request)}{self.CONFIRMATION_PATH}/"

    @ratelimit.limit_posts(
        lambda page: f"engagement-form-{page.pk}",
        setting=("ENGAGEMENT_RATE_LIMIT", "ENGAGEMENT_RATE_LIMIT_WINDOW"),
        default=(20, 3600),
    )
    def serve(self, request, *args, **kwargs):
        from engagement.views import serve_form_page

        return serve_form_page(self, request, *args, **kwargs)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        # Only the "landing" preview mode comes here: citizens reach the same
        # page through the confirmation route after a redirect.
        from engagement.views import render_confirmation

        return render_confirmation(self, request)

    def process_form_submission(self, form, first_time=None):
        from engagement.services import save_online_submission

        return save_online_submission(self, form, first_time=first_time)


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "Paper"
    PHONE = "phone", "Phone"
    GROUP = "group", "Group session"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    SPAM = "spam", "Spam"


class AgeBand(models.TextChoices):
    UNDER_16 = "under-16", "Under 16"
    AGE_16_24 = "16-24", "16 to 24"
    AGE_25_34 = "25-34", "25 to 34"
    AGE_35_44 = "35-44", "35 to 44"
    AGE_45_54 = "45-54", "45 to 54"
    AGE_55_64 = "55-64", "55 to 64"
    AGE_65_74 = "65-74", "65 to 74"
    AGE_75_PLUS = "75-plus", "75 or over"


class SubmissionQuerySet(models.QuerySet):
    def counted(self):
        """Responses that count in results: accepted, never spam or pending."""
        return self.filter(status=Status.ACCEPTED)


class Submission(models.Model):
    """One response to a Place Standard form, from any channel.

    Not in Wagtail's reference index (`wagtail_reference_index_ignore`):
    otherwise every stored response would queue an `update_reference_index_task`
    (its keys to the form page and the place make it "indexable"), work per
    POST that only ever listed responses as "usages" of a page, which the
    engagement admin does already.
    """

    wagtail_reference_index_ignore = True

    form_page = models.ForeignKey(
        PlaceStandardFormPage, on_delete=models.PROTECT, related_name="submissions"
    )
    place = models.ForeignKey(
        "places.PlacePage", on_delete=models.PROTECT, related_name="place_standard_submissions"
    )
    round_number = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    tool_version = models.CharField(max_length=40, choices=TOOL_VERSION_CHOICES)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACCEPTED, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    participants = models.PositiveIntegerField(
        default=1, help_text="More than 1 only for a group session's agreed scores."
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    postcode_district = models.CharField(
        max_length=4, blank=True, help_text="The first half of a postcode only, e.g. HD1."
    )
    extra_answers = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["place", "round_number", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants__gte=1), name="engagement_submission_participants_gte_1"
            ),
        ]
        permissions = [("export_submission", "Can export Place Standard responses")]

    def __str__(self):
        return f"Response {self.pk} to {self.form_page_id} ({self.get_channel_display()})"


class Moderation(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ThemeScoreQuerySet(models.QuerySet):
    def public_comments(self):
        """Comments that may be shown publicly: approved, from a counted response.

        Only `public_comment` (the approved text, as redacted) is ever shown;
        `comment` is what the person typed and stays in the admin.
        """
        return self.filter(
            moderation=Moderation.APPROVED, submission__status=Status.ACCEPTED
        ).exclude(public_comment="")

    def moderatable(self):
        """Comments a moderator may decide on: any typed comment from a counted response."""
        return self.filter(submission__status=Status.ACCEPTED).exclude(comment="")

    def awaiting_moderation(self):
        return self.moderatable().filter(moderation=Moderation.PENDING)


class ThemeScore(models.Model):
    """One theme of one response: a score from 1 to 7 (NULL: skipped) and a comment.

    A comment is private until a moderator approves it; the approved wording
    (which may redact part of what was typed) is kept in `public_comment`, so
    nothing public ever reads `comment`. `engagement.moderation` records every
    decision.
    """

    wagtail_reference_index_ignore = True  # see Submission

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    theme = models.CharField(max_length=40, choices=THEME_CHOICES)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.PENDING, db_index=True
    )
    public_comment = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text="The comment as it may be shown publicly; empty unless approved.",
    )

    objects = ThemeScoreQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "pk"]
        permissions = [("moderate_themescore", "Can moderate Place Standard comments")]
        constraints = [
            models.UniqueConstraint(fields=["submission", "theme"], name="engagement_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="engagement_score_in_scale",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=False) | ~Q(comment=""),
                name="engagement_score_or_comment",
            ),
            models.CheckConstraint(
                condition=Q(moderation="approved") | Q(public_comment=""),
                name="engagement_public_comment_only_when_approved",
            ),
        ]
        indexes = [models.Index(fields=["theme", "score"])]

    def __str__(self):
        return f"{self.theme}: {self.score if self.score is not None else 'skipped'}"


def default_delete_after():
    """The old per-person delete-after date; only migration 0001 still names it."""
    return timezone.localdate() + datetime.timedelta(days=follow_up_retention_days())


def delete_after_for(form_page) -> datetime.date:
    """When follow-up emails given on `form_page` are deleted: a set time after it closes.

    The same date for every contact of one engagement, so it says nothing
    about when any one person answered.
    """
    closes = timezone.localdate(form_page.closes_at)
    return closes + datetime.timedelta(days=follow_up_retention_days())


class FollowUpContact(models.Model):
    """An email given for follow-up, kept apart from the answers it came with.

    It records which engagement it is about (so people hear what happened
    next) but not which response, and nothing that could pair it with one:
    its id is random (sequential ids would line up with the responses'),
    it has no time of its own (its consent is evidenced by the engagement it
    was given on, which was open from `opens_at` to `closes_at`), and its
    delete-after date is the same for everyone on that engagement.
    """

    wagtail_reference_index_ignore = True  # see Submission

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_page = models.ForeignKey(
        PlaceStandardFormPage, on_delete=models.CASCADE, related_name="follow_up_contacts"
    )
    email = models.EmailField()
    consent_version = models.CharField(max_length=40)
    delete_after = models.DateField(db_index=True)

    class Meta:
        # Never by creation: that order is the responses' order too.
        ordering = ["form_page", "email"]

    def __str__(self):
        return f"Follow-up contact for {self.form_page_id}"

    def save(self, *args, **kwargs):
        if self.delete_after is None and self.form_page_id:
            self.delete_after = delete_after_for(self.form_page)
        super().save(*args, **kwargs)

    @property
    def consent_text(self) -> str:
        return CONSENT_WORDINGS.get(self.consent_version, "").format(
            days=follow_up_retention_days()
        )


# Place insight (tallies, the published snippet, moderation history) lives in
# its own module to keep this one about collecting responses.
from engagement.insight_models import (  # noqa: E402
    HighlightedComment,
    InsightAction,
    ModerationDecision,
    PlaceInsight,
    RoundTally,
    ThemeTally,
)

__all__ = [
    "AgeBand",
    "Channel",
    "EngagementIndexPage",
    "FollowUpContact",
    "HighlightedComment",
    "InsightAction",
    "Moderation",
    "ModerationDecision",
    "PlaceInsight",
    "PlaceStandardFormField",
    "PlaceStandardFormPage",
    "RoundTally",
    "Status",
    "Submission",
    "ThemeScore",
    "ThemeTally",
]
