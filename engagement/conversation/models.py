"""The ongoing conversation: stories, email alerts, page feedback, community groups.

Personal data lives in its own tables (story submitters, alert subscribers),
visible only to staff with the model's permissions and deleted after a
retention period by `purge_conversation_data`. Public tables (stories,
groups, crowdfunding projects, page feedback) hold nothing that identifies
anyone unless the person asked for their name to be published.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.forms import CheckboxSelectMultiple
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home import visibility
from home.blocks import BodyStreamBlock
from home.storage import get_private_storage
from places.models import PlacePage

# --- The five ways of being an active citizen ------------------------------
# From the Democracy Commission's definition of the active citizen; fixed in
# code because stories are filtered by them.


class ActiveCitizenWay(models.TextChoices):
    HAVE_A_VOICE = "have-a-voice", "Have a voice"
    BE_PART_OF_SOMETHING = "be-part-of-something", "Be part of something"
    BE_A_COUNCILLOR = "be-a-councillor", "Be a councillor"
    BE_A_GOOD_NEIGHBOUR = "be-a-good-neighbour", "Be a good neighbour"
    VOLUNTEER = "volunteer", "Volunteer"


WAY_HINTS = {
    ActiveCitizenWay.HAVE_A_VOICE: "Speaking up, campaigning, voting, giving feedback.",
    ActiveCitizenWay.BE_PART_OF_SOMETHING: "Joining or starting a group, an event, a street tidy.",
    ActiveCitizenWay.BE_A_COUNCILLOR: "Standing for election or working as a councillor.",
    ActiveCitizenWay.BE_A_GOOD_NEIGHBOUR: "Small acts of kindness, checking in on neighbours.",
    ActiveCitizenWay.VOLUNTEER: "Giving time to a local organisation, a school or a panel.",
}

STORIES_PER_PAGE = 12


# --- Stories ---------------------------------------------------------------


class StoryIndexPage(RoutablePageMixin, Page):
    """Our Stories Our Places: every published story, filterable by place, topic and way."""

    introduction = models.TextField(blank=True, max_length=600)
    submission_intro = models.TextField(
        blank=True,
        max_length=800,
        default=(
            "Tell us how you, your neighbours or a local group have made a difference where "
            "you live. An editor reads every story before it is published."
        ),
        help_text="Shown above the 'Tell us your story' form.",
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["conversation.StoryPage"]
    max_count = 1
    template = "pages/conversation/story_index_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("introduction"),
        FieldPanel("submission_intro"),
    ]

    class Meta:
        verbose_name = "story index page"

    cache_listings = ("conversation.storypage", "places.placepage", "taggit.tag")

    def get_content_context(self, request) -> dict:
        from engagement.conversation.stories import StoryFilters

        filters = StoryFilters.from_query(request.GET)
        stories = filters.apply(
            visibility.public(StoryPage.objects.live(), request)
            .child_of(self)
            .select_related("image")
            .prefetch_related("places", "image__renditions")
            .order_by("-first_published_at", "-pk")
        )
        paginator = Paginator(stories, STORIES_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        return {
            "filters": filters,
            "page_obj": page_obj,
            "stories": page_obj.object_list,
            "place_choices": filters.place_choices(self),
            "topic_choices": filters.topic_choices(self),
            "way_choices": ActiveCitizenWay.choices,
            "submit_url": self.url + self.reverse_subpage("submit_story"),
        }

    @path("")
    def index_route(self, request, *args, **kwargs):
        return super().index_route(request, *args, **kwargs)

    @path("tell-us-your-story/", name="submit_story")
    def submit_story(self, request):
        from engagement.conversation.views import submit_story

        return submit_story(request, self)

    @path("tell-us-your-story/sent/", name="submit_story_sent")
    def submit_story_sent(self, request):
        from django.template.response import TemplateResponse

        return TemplateResponse(
            request, "pages/conversation/story_sent.html", {"page": self, "self": self}
        )


class StoryTag(TaggedItemBase):
    content_object = ParentalKey(
        "conversation.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PhotoAsSentPanel(Panel):
    """Shows moderators the photo a citizen sent, while it is still private."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "components/conversation/photo_as_sent_panel.html"

        def is_shown(self):
            from engagement.conversation.story_photos import pending_photo

            return pending_photo(self.instance) is not None

        def get_context_data(self, parent_context=None):
            from engagement.conversation.story_photos import pending_photo, photo_as_sent_url

            context = super().get_context_data(parent_context)
            context["submission"] = pending_photo(self.instance)
            context["photo_url"] = photo_as_sent_url(self.instance)
            context["alt_text"] = self.instance.image_alt or "The photo sent with this story"
            return context


class StoryPage(Page):
    """A story of active citizenship in a place, written by staff or sent in by a citizen."""

    summary = models.TextField(max_length=400, help_text="The story in a sentence or two.")
    body = StreamField(BodyStreamBlock(), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        "image alt text",
        max_length=250,
        blank=True,
        help_text="What the photo shows, for people who cannot see it. "
        "Leave empty to use the image's description.",
    )
    places = ParentalManyToManyField(PlacePage, blank=True, related_name="stories")
    tags = ClusterTaggableManager(
        through=StoryTag, blank=True, verbose_name="topics", help_text="For example: food."
    )
    way = models.CharField(
        "way of being an active citizen",
        max_length=30,
        choices=ActiveCitizenWay.choices,
        default=ActiveCitizenWay.BE_A_GOOD_NEIGHBOUR,
    )
    author_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="Published with the story. Leave empty to publish it anonymously. "
        "For a citizen's story, use a name only if they agreed to it.",
    )

    parent_page_types = ["conversation.StoryIndexPage"]
    subpage_types = []
    template = "pages/conversation/story_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [PhotoAsSentPanel(), FieldPanel("image"), FieldPanel("image_alt")], heading="Photo"
        ),
        FieldPanel("body"),
        FieldPanel("author_name"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [
                FieldPanel("places", widget=CheckboxSelectMultiple),
                FieldPanel("tags"),
                FieldPanel("way"),
            ],
            heading="What the story is about",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("way"),
    ]

    class Meta:
        verbose_name = "story"
        verbose_name_plural = "stories"

    @property
    def alt_text(self):
        if self.image_alt:
            return self.image_alt
        return self.image.description if self.image else ""

    def public_places(self) -> list[PlacePage]:
        """The story's places that the public can see, by title.

        In a preview the places are the edit form's in-memory choices (a
        modelcluster fake queryset, which has no `.live()`), so they are
        looked up by id; a saved story filters in the database.
        """
        places = self.places.all()
        if not isinstance(places, models.QuerySet):
            places = PlacePage.objects.filter(pk__in=[place.pk for place in places])
        return list(places.live().public().order_by("title"))

    cache_listings = ("places.placepage",)

    def get_content_context(self, request) -> dict:
        return {
            "places_list": self.public_places(),
            "topics": list(self.tags.all()),
            "story_index": self.get_parent().specific,
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False) and not self.image_id:
            from engagement.conversation.story_photos import pending_photo, photo_as_sent_url

            if pending_photo(self) is not None:
                # Only staff can preview, and the photo's view checks them again.
                context["photo_as_sent_url"] = photo_as_sent_url(self)
        return context


def story_topics():
    """Tags used by live stories, for filters and the alert topic choice (one query)."""
    return (
        Tag.objects.filter(conversation_storytag_items__content_object__live=True)
        .distinct()
        .order_by("name")
    )


def story_photo_upload_to(instance, filename):
    """A random name: the sender's file name may say who they are or where they live."""
    extension = Path(filename).suffix.lower()
    if extension not in {".jpg", ".jpeg", ".png"}:
        extension = ""
    return f"story-photos/{uuid.uuid4().hex}{extension}"


class StorySubmission(models.Model):
    """Who sent a story in and what they agreed to: kept apart from the public page.

    The page itself holds the name only if the person agreed to publish it.
    Deleted after the retention period (the draft or published story stays).
    """

    story = models.OneToOneField(
        StoryPage, null=True, on_delete=models.SET_NULL, related_name="submission"
    )
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    publish_name = models.BooleanField(default=False)
    publish_photo = models.BooleanField(default=False)
    consent_wording_version = models.CharField(max_length=20)
    photo = models.FileField(
        "photo as sent",
        storage=get_private_storage,
        upload_to=story_photo_upload_to,
        blank=True,
        editable=False,
        help_text="Private until a moderator publishes the story; then deleted.",
    )
    public_photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The copy published with the story: re-encoded, with no metadata.",
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "story submission"

    def __str__(self):
        return f"Story sent in on {self.submitted_at:%d %b %Y}"


# --- Email alerts ----------------------------------------------------------


class Subscriber(models.Model):
    """An email address that asked for alerts. Personal data: staff with permission only."""

    email = models.EmailField(unique=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        permissions = [("export_subscriber", "Can export alert subscribers' addresses")]

    def __str__(self):
        # Not the address: this label shows in admin titles, breadcrumbs and the audit log.
        return f"Alert subscriber {self.pk}"


class Subscription(models.Model):
    """Alerts about one place (optionally one topic) for a subscriber, once confirmed."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    place = models.ForeignKey(PlacePage, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty means every topic.",
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "place", "topic"], name="conversation_subscription_once"
            ),
            # NULL topics are distinct in a plain unique index on every database.
            models.UniqueConstraint(
                fields=["subscriber", "place"],
                condition=models.Q(topic__isnull=True),
                name="conversation_subscription_every_topic_once",
            ),
        ]

    def __str__(self):
        topic = f", {self.topic.name}" if self.topic_id else ""
        return f"{self.place.title}{topic}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ConsentRecord(models.Model):
    """What a person agreed to (or withdrew), when, and which wording they saw."""

    class Action(models.TextChoices):
        GIVEN = "given", "Gave consent (signed up)"
        CONFIRMED = "confirmed", "Confirmed by email"
        WITHDRAWN = "withdrawn", "Withdrew consent (unsubscribed)"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    what = models.CharField(max_length=300)
    wording_version = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d %b %Y %H:%M}"


class SentAlertItem(models.Model):
    """An item a subscriber has been emailed about: the unique key stops repeats."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="sent_items")
    kind = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "item_id"], name="conversation_sent_item_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.item_id}"


# --- Was this page helpful? -----------------------------------------------


class PageFeedback(models.Model):
    """One answer to "Was this page helpful?": the page, yes or no, a comment, the time.

    Nothing else: no address, no session, no browser details.
    """

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "page feedback"
        verbose_name_plural = "page feedback"

    def __str__(self):
        return f"{'Yes' if self.helpful else 'No'} on page {self.page_id}"


# --- Community groups and civic crowdfunding -------------------------------


class GroupKind(models.TextChoices):
    MUTUAL_AID = "mutual-aid", "Mutual aid group"
    ANCHOR = "anchor", "Community anchor organisation"
    VOLUNTARY = "voluntary", "Voluntary or community group"


class GroupCategory(models.Model):
    """What a group does, for example: food, befriending, young people."""

    name = models.CharField(max_length=60, unique=True)

    panels = [FieldPanel("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "group categories"

    def __str__(self):
        return self.name


class CommunityGroup(index.Indexed, models.Model):
    """A mutual aid group, community anchor or voluntary group, shown on the places it serves."""

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    description = models.TextField(max_length=800)
    places_served = models.ManyToManyField(PlacePage, blank=True, related_name="community_groups")
    contact = models.CharField(
        max_length=200,
        blank=True,
        help_text="A public contact: an email address or phone number the group agreed to show.",
    )
    website = models.URLField(blank=True)
    categories = models.ManyToManyField(GroupCategory, blank=True, related_name="groups")

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("places_served", widget=CheckboxSelectMultiple),
        FieldPanel("contact"),
        FieldPanel("website"),
        FieldPanel("categories", widget=CheckboxSelectMultiple),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CrowdfundingStatus(models.TextChoices):
    IDEA = "idea", "Idea being developed"
    LIVE = "live", "Raising money now"
    FUNDED = "funded", "Funded"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed without reaching its target"


class CrowdfundingProject(index.Indexed, models.Model):
    """A civic crowdfunding project for a place (for example, through Growing Great Places)."""

    name = models.CharField(max_length=160)
    place = models.ForeignKey(
        PlacePage, on_delete=models.CASCADE, related_name="crowdfunding_projects"
    )
    summary = models.TextField(max_length=400, blank=True)
    target = models.DecimalField("target (£)", max_digits=10, decimal_places=2)
    pledged = models.DecimalField("amount pledged (£)", max_digits=10, decimal_places=2, default=0)
    status = models.CharField(
        max_length=20, choices=CrowdfundingStatus.choices, default=CrowdfundingStatus.LIVE
    )
    campaign_url = models.URLField("link to the campaign page")

    panels = [
        FieldPanel("name"),
        FieldPanel("place"),
        FieldPanel("summary"),
        FieldPanel("target"),
        FieldPanel("pledged"),
        FieldPanel("status"),
        FieldPanel("campaign_url"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "place"], name="conversation_project_once"),
            models.CheckConstraint(
                condition=models.Q(target__gt=0), name="conversation_project_target_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pledged__gte=0), name="conversation_project_pledged_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def percent_pledged(self) -> int:
        if not self.target:
            return 0
        return int(self.pledged * 100 / self.target)


def retention_days(name: str, default: int) -> int:
    return getattr(settings, name, default)
