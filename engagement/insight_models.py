"""Place insight: what a place said in one round, and what happens next.

Three kinds of record:

- Tallies (`RoundTally`, `ThemeTally`) hold the running figures for one place
  and round: responses, participants and, per theme, how many people gave
  each score from 1 to 7 and how many commented. Each response stored,
  marked as spam or deleted adds or takes away its own counts
  (`engagement.insight.count_in`), so neither storing a response nor showing
  a results page costs more as a place's responses grow. Counts per score
  make every figure exact (mean, median, distribution) and let tallies be
  added together for a wider area.
- Each tally also keeps the figures the public sees (`published_*`): a copy
  of its counts refreshed only once at least `INSIGHT_MIN_RESPONSES`
  responses (for a theme: scores) have changed it since the last copy, so
  comparing public figures before and after one response shows nothing of
  it (`engagement.disclosure` explains the rule). The copy is taken in the
  same UPDATE that counts the response in, at no extra query.
- `PlaceInsight` is the editors' snippet for a place and round: the summary
  of what we heard, the actions that follow and the comments to highlight.
  Nothing about the round is public until an editor publishes it.
- `ModerationDecision` is the history of every decision on a comment: who,
  when, and the text it made public.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin
from wagtail.search import index

from engagement.themes import SCORE_MAX, SCORE_MIN, THEME_CHOICES

SCORES = range(SCORE_MIN, SCORE_MAX + 1)


class RoundTally(models.Model):
    """Running totals of accepted responses for one place in one round."""

    place = models.ForeignKey("places.PlacePage", on_delete=models.CASCADE, related_name="+")
    round_number = models.PositiveSmallIntegerField()
    responses = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    #: What the public sees, and how many responses were counted in or out since.
    published_responses = models.PositiveIntegerField(default=0)
    published_participants = models.PositiveIntegerField(default=0)
    unpublished_changes = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "round_number"], name="engagement_tally_once")
        ]

    def __str__(self):
        return f"Tally for place {self.place_id}, round {self.round_number}"


class ThemeTally(models.Model):
    """How many accepted responses gave each score to one theme, and how many commented."""

    round_tally = models.ForeignKey(RoundTally, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=40, choices=THEME_CHOICES)
    score_1 = models.PositiveIntegerField(default=0)
    score_2 = models.PositiveIntegerField(default=0)
    score_3 = models.PositiveIntegerField(default=0)
    score_4 = models.PositiveIntegerField(default=0)
    score_5 = models.PositiveIntegerField(default=0)
    score_6 = models.PositiveIntegerField(default=0)
    score_7 = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    #: What the public sees, and how many scores were counted in or out since.
    published_score_1 = models.PositiveIntegerField(default=0)
    published_score_2 = models.PositiveIntegerField(default=0)
    published_score_3 = models.PositiveIntegerField(default=0)
    published_score_4 = models.PositiveIntegerField(default=0)
    published_score_5 = models.PositiveIntegerField(default=0)
    published_score_6 = models.PositiveIntegerField(default=0)
    published_score_7 = models.PositiveIntegerField(default=0)
    published_comments = models.PositiveIntegerField(default=0)
    unpublished_changes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_tally", "theme"], name="engagement_theme_tally_once"
            )
        ]

    def __str__(self):
        return f"{self.theme} in {self.round_tally}"

    @property
    def distribution(self) -> dict[int, int]:
        return {score: getattr(self, f"score_{score}") for score in SCORES}

    @property
    def published_distribution(self) -> dict[int, int]:
        return {score: getattr(self, f"published_score_{score}") for score in SCORES}


class InsightStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class PlaceInsight(DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel):
    """What a place told us in one round, and what the council is doing about it.

    The figures come from the round's tallies; this snippet adds the words.
    Results for the round are shown publicly only while it is published.
    """

    place = models.ForeignKey("places.PlacePage", on_delete=models.PROTECT, related_name="insights")
    round_number = models.PositiveSmallIntegerField(
        default=1, help_text="The round of Place Standard forms for this place these results cover."
    )
    round_label = models.CharField(
        max_length=80, blank=True, help_text="What people call this round, e.g. 'Spring 2026'."
    )
    what_we_heard = RichTextField(
        blank=True,
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        help_text="A plain-language summary of what people said.",
    )

    panels = [
        FieldPanel("place"),
        FieldRowPanel([FieldPanel("round_number"), FieldPanel("round_label")], heading="Round"),
        FieldPanel("what_we_heard"),
        InlinePanel("actions", heading="What happens next", label="Action"),
        MultiFieldPanel(
            [InlinePanel("highlights", label="Highlighted comment")],
            heading="Highlighted comments",
            help_text="Choose from comments a moderator has approved for this place and round.",
        ),
    ]
    search_fields = [
        index.SearchField("round_label"),
        index.SearchField("what_we_heard"),
        index.FilterField("round_number"),
    ]

    class Meta:
        verbose_name = "place insight"
        ordering = ["place__title", "-round_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "round_number"], name="engagement_insight_once"
            )
        ]

    def __str__(self):
        label = self.round_label or f"round {self.round_number}"
        return f"{self.place.title if self.place_id else 'Place'}: {label}"

    def get_absolute_url(self):
        return reverse(
            "insight_results", kwargs={"place_id": self.place_id, "round_number": self.round_number}
        )

    @property
    def heading_label(self) -> str:
        return self.round_label or f"Round {self.round_number}"


class InsightAction(Orderable):
    """One thing that happens next, with who owns it and how far it has got."""

    insight = ParentalKey(PlaceInsight, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=255)
    owner = models.CharField(
        max_length=120, help_text="The team, service or partner responsible, e.g. 'Highways'."
    )
    status = models.CharField(
        max_length=12, choices=InsightStatus.choices, default=InsightStatus.PLANNED
    )

    panels = [FieldPanel("action"), FieldRowPanel([FieldPanel("owner"), FieldPanel("status")])]

    def __str__(self):
        return self.action


class HighlightedComment(Orderable):
    """An approved comment the editors want people to read first."""

    insight = ParentalKey(PlaceInsight, on_delete=models.CASCADE, related_name="highlights")
    comment = models.ForeignKey(
        "engagement.ThemeScore",
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"moderation": "approved"},
    )

    panels = [FieldPanel("comment")]

    def __str__(self):
        return f"Highlight {self.comment_id}"

    def clean(self):
        super().clean()
        comment = self.comment if self.comment_id else None
        if comment is None:
            return
        if comment.moderation != "approved":
            raise ValidationError({"comment": "Only an approved comment can be highlighted."})
        try:
            insight = self.insight
        except PlaceInsight.DoesNotExist:
            insight = None
        submission = comment.submission
        if (
            insight is not None
            and insight.place_id
            and (
                submission.place_id != insight.place_id
                or submission.round_number != insight.round_number
            )
        ):
            raise ValidationError({"comment": "Choose a comment from this place and round."})


class ModerationDecision(models.Model):
    """One moderator's decision on one comment: kept for as long as the comment."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REDACTED = "redacted", "Approved with redaction"
        REJECTED = "rejected", "Rejected"

    comment = models.ForeignKey(
        "engagement.ThemeScore", on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    public_text = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Kept even if the account is later deleted.
    decided_by_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.get_decision_display()} by {self.decided_by_name}"
