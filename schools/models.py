"""Democracy Friendly Schools: the programme, its learning-resource library and its schools.

Teachers and young people meet no login wall here: everything public is
browsable and downloadable without an account. What we learn about use is
counted (downloads per file and month), never who used it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home import fragments, invalidation, visibility
from home.blocks import BodyStreamBlock
from home.contracts import CacheChange

# --- Fixed vocabularies ---------------------------------------------------
# Key stages are the national curriculum's, so they live in code; the
# KeyStage table exists so a resource can be filtered by them with a join.

KEY_STAGES = [
    ("ks1", "Key stage 1 (ages 5 to 7)"),
    ("ks2", "Key stage 2 (ages 7 to 11)"),
    ("ks3", "Key stage 3 (ages 11 to 14)"),
    ("ks4", "Key stage 4 (ages 14 to 16)"),
    ("ks5", "Key stage 5 (ages 16 to 18)"),
    ("adult", "Adult learners"),
]
KEY_STAGE_SHORT = {
    "ks1": "KS1",
    "ks2": "KS2",
    "ks3": "KS3",
    "ks4": "KS4",
    "ks5": "KS5",
    "adult": "Adults",
}


class ResourceType(models.TextChoices):
    LESSON_PLAN = "lesson-plan", "Lesson plan"
    SLIDES = "slides", "Slides"
    ACTIVITY = "activity", "Activity"
    WORKSHEET = "worksheet", "Worksheet"
    VIDEO = "video", "Video"
    ASSEMBLY = "assembly", "Assembly"


#: (value, label, shortest minutes, longest minutes or None)
DURATION_BANDS = [
    ("up-to-20", "Up to 20 minutes", 0, 20),
    ("21-to-60", "21 minutes to an hour", 21, 60),
    ("over-60", "More than an hour", 61, None),
]


class KeyStage(models.Model):
    """One of the fixed key stages (see KEY_STAGES); rows are made by migration 0002."""

    code = models.CharField(max_length=8, unique=True, choices=KEY_STAGES)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self):
        return self.get_code_display()

    @property
    def short_name(self):
        return KEY_STAGE_SHORT.get(self.code, self.code)

    @classmethod
    def ensure_all(cls):
        """Create any missing key stage rows (migration, demo, test data)."""
        existing = set(cls.objects.values_list("code", flat=True))
        cls.objects.bulk_create(
            [
                cls(code=code, sort_order=position)
                for position, (code, _label) in enumerate(KEY_STAGES)
                if code not in existing
            ]
        )
        return {stage.code: stage for stage in cls.objects.all()}


# --- The programme --------------------------------------------------------


class SchoolsIndexPage(RoutablePageMixin, Page):
    """The Democracy Friendly Schools programme: what it is, who takes part, how to join in."""

    introduction = models.TextField(max_length=600)
    body = StreamField(BodyStreamBlock(), blank=True)
    contact_email = models.EmailField(
        help_text=(
            "The programme team's address. Invitations to councillors go here when a ward "
            "has no councillor contact on the site."
        )
    )
    invitation_intro = models.TextField(
        blank=True,
        max_length=800,
        default=(
            "Tell us about your school and what you would like a councillor to do, "
            "and we will pass your invitation to the councillors for your ward."
        ),
        help_text="Shown above the 'Invite a councillor to your school' form.",
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["schools.ResourceIndexPage", "home.StandardPage"]
    max_count = 1
    template = "pages/schools/schools_index_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("invitation_intro")],
            heading="Invite a councillor",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = "schools programme page"

    cache_listings = ("schools.school", "schools.resourceindexpage", "places.ward")

    def get_content_context(self, request) -> dict:
        return {
            "schools": list(School.objects.select_related("ward").order_by("name")),
            "libraries": list(
                visibility.public(ResourceIndexPage.objects.live(), request)
                .child_of(self)
                .order_by("path")
            ),
            "invite_url": self.url + self.reverse_subpage("invite_councillor"),
        }

    @path("")
    def index_route(self, request, *args, **kwargs):
        return super().index_route(request, *args, **kwargs)

    @path("invite-a-councillor/", name="invite_councillor")
    def invite_councillor(self, request):
        from schools.views import invite_councillor

        return invite_councillor(request, self)

    @path("invite-a-councillor/sent/", name="invite_councillor_sent")
    def invite_councillor_sent(self, request):
        return TemplateResponse(
            request,
            "pages/schools/invite_councillor_sent.html",
            {"page": self, "self": self},
        )


class ResourceIndexPage(Page):
    """The learning-resource library: filter, search, sort and page through resources."""

    introduction = models.TextField(blank=True, max_length=600)
    files_collection = models.ForeignKey(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=(
            "Upload resource files into this collection. A file here can only be downloaded "
            "while a published resource uses it, so files for drafts stay private."
        ),
    )

    parent_page_types = ["schools.SchoolsIndexPage"]
    subpage_types = ["schools.LearningResourcePage"]
    template = "pages/schools/resource_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    settings_panels = [*Page.settings_panels, FieldPanel("files_collection")]

    class Meta:
        verbose_name = "learning resource library"

    #: Sorted by downloads too.
    cache_listings = (
        "schools.learningresourcepage",
        "schools.keystage",
        "schools.downloadcount",
        "taggit.tag",
    )

    def get_content_context(self, request) -> dict:
        from schools.library import library_context

        return library_context(self, request)


class ResourceTag(TaggedItemBase):
    content_object = ParentalKey(
        "schools.LearningResourcePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class LearningResourcePage(Page):
    """One teaching resource with its files, for a teacher to judge and download in a minute."""

    summary = models.TextField(
        max_length=600, help_text="What the resource is, in a sentence or two."
    )
    resource_type = models.CharField(max_length=20, choices=ResourceType.choices)
    key_stages = ParentalManyToManyField(KeyStage, related_name="resources")
    tags = ClusterTaggableManager(
        through=ResourceTag, blank=True, verbose_name="topics", help_text="For example: voting."
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text="Roughly how long it takes to run, in minutes.",
    )
    learning_objectives = models.TextField(
        help_text="One objective per line. Start each with what learners will do."
    )
    curriculum_links = models.TextField(blank=True, help_text="One link per line.")
    what_you_need = models.TextField("what you need", blank=True)
    accessibility_notes = models.TextField(blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name="teacher notes")

    parent_page_types = ["schools.ResourceIndexPage"]
    subpage_types = []
    template = "pages/schools/learning_resource_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("resource_type"),
                FieldPanel("key_stages", widget=CheckboxSelectMultiple),
                FieldPanel("tags"),
                FieldPanel("duration_minutes"),
            ],
            heading="For filtering",
        ),
        FieldPanel("learning_objectives"),
        FieldPanel("curriculum_links"),
        FieldPanel("what_you_need"),
        FieldPanel("accessibility_notes"),
        InlinePanel("files", label="Files", min_num=1),
        FieldPanel("body"),
        InlinePanel("related_links", label="Related resources", max_num=6),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.FilterField("resource_type"),
    ]

    class Meta:
        verbose_name = "learning resource"

    @property
    def objectives_list(self):
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    @property
    def curriculum_links_list(self):
        return [line.strip() for line in self.curriculum_links.splitlines() if line.strip()]

    #: Its files, related resources and download counts.
    cache_listings = (
        "schools.learningresourcepage",
        "wagtaildocs.document",
        "schools.downloadcount",
    )

    def get_content_context(self, request) -> dict:
        from django.db.models import Sum

        context = {}
        files = list(self.files.select_related("document"))
        totals = dict(
            DownloadCount.objects.filter(resource=self)
            .values_list("file_key")
            .annotate(total=Sum("count"))
        )
        for item in files:
            item.download_total = totals.get(DownloadCount.document_key(item.document_id), 0)
        context["files"] = files
        context["zip_download_total"] = totals.get(DownloadCount.ZIP_KEY, 0)
        context["key_stages_list"] = list(self.key_stages.all())
        context["topics"] = list(self.tags.all())
        context["related_resources"] = list(
            visibility.public(LearningResourcePage.objects.live(), request)
            .filter(related_from__source=self)
            .order_by("related_from__sort_order")
        )
        return context


class ResourceFile(Orderable):
    """A file of a resource. Documents stay in Wagtail's library so they can be reused."""

    resource = ParentalKey(LearningResourcePage, related_name="files", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="learning_resource_files"
    )
    description = models.CharField(max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["resource", "document"], name="schools_file_once")
        ]


class RelatedResource(Orderable):
    source = ParentalKey(
        LearningResourcePage, related_name="related_links", on_delete=models.CASCADE
    )
    resource = models.ForeignKey(
        LearningResourcePage, on_delete=models.CASCADE, related_name="related_from"
    )

    panels = [PageChooserPanel("resource", page_type="schools.LearningResourcePage")]


# --- Downloads ------------------------------------------------------------


class DownloadCount(models.Model):
    """How many times a resource's file (or its zip) was downloaded in a month.

    One row per resource, file and month, incremented in the database with
    F() so concurrent workers never lose a count. Nothing about the person
    who downloaded is recorded.
    """

    ZIP_KEY = "zip"

    resource = models.ForeignKey(
        LearningResourcePage, on_delete=models.CASCADE, related_name="download_counts"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the 'download all' zip, or if the file was since deleted.",
    )
    file_key = models.CharField(
        max_length=40, help_text="'document-<id>' for a single file, 'zip' for all files."
    )
    month = models.DateField(help_text="The first day of the month.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "file_key", "month"], name="schools_download_per_month"
            )
        ]
        indexes = [models.Index(fields=["month"])]
        verbose_name = "download count"

    def __str__(self):
        return f"{self.resource_id} {self.file_key} {self.month:%Y-%m}: {self.count}"

    @staticmethod
    def document_key(document_id) -> str:
        return f"document-{document_id}"

    @classmethod
    def record(cls, resource_id: int, document_id: int | None = None, when=None) -> None:
        """Add one download, safely under concurrency (update, else insert, else update)."""
        from django.db import IntegrityError, transaction
        from django.db.models import F

        month = timezone.localdate(when).replace(day=1)
        key = cls.ZIP_KEY if document_id is None else cls.document_key(document_id)
        rows = cls.objects.filter(resource_id=resource_id, file_key=key, month=month)
        # The library's order and the resource page's totals show counts.
        invalidation.apply(CacheChange(names=frozenset({fragments.listing_name(cls)})), now=False)
        if rows.update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(
                    resource_id=resource_id,
                    document_id=document_id,
                    file_key=key,
                    month=month,
                    count=1,
                )
        except IntegrityError:
            # Another worker inserted the row between our update and insert.
            rows.update(count=F("count") + 1)


# --- Participating schools -----------------------------------------------


class SchoolPhase(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all-through", "All-through"
    SPECIAL = "special", "Special school"
    COLLEGE = "college", "Sixth form or college"
    ALTERNATIVE = "alternative", "Alternative provision"


class SchoolStatus(models.TextChoices):
    TAKING_PART = "taking-part", "Taking part"
    DEMOCRACY_FRIENDLY = "democracy-friendly", "Democracy Friendly School"


class School(index.Indexed, models.Model):
    """A school taking part in the programme, shown on the programme page and its ward's places."""

    name = models.CharField(max_length=160)
    ward = models.ForeignKey("places.Ward", on_delete=models.PROTECT, related_name="schools")
    phase = models.CharField(max_length=20, choices=SchoolPhase.choices)
    status = models.CharField(
        "Democracy Friendly status",
        max_length=20,
        choices=SchoolStatus.choices,
        default=SchoolStatus.TAKING_PART,
    )
    status_date = models.DateField(
        "status since", help_text="When the school joined, or when it became Democracy Friendly."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("ward"),
        FieldPanel("phase"),
        FieldPanel("status"),
        FieldPanel("status_date"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "ward"], name="schools_school_name_ward")
        ]

    def __str__(self):
        return self.name


# --- Invitations (personal data: minimal, kept apart, purged) -------------


def invitation_retention_days() -> int:
    return getattr(settings, "SCHOOLS_INVITATION_RETENTION_DAYS", 365)


class CouncillorInvitation(models.Model):
    """A teacher's request for a councillor visit. Deleted after the retention period."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    school_name = models.CharField(max_length=160)
    ward = models.ForeignKey("places.Ward", null=True, on_delete=models.SET_NULL, related_name="+")
    contact_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    message = models.TextField(max_length=2000)
    preferred_timing = models.CharField(max_length=200, blank=True)
    notified_count = models.PositiveSmallIntegerField(
        default=0, help_text="How many addresses the invitation was sent to."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "councillor invitation"

    def __str__(self):
        return f"{self.school_name} ({self.created_at:%d %b %Y})"
