"""Councillors, the councillor index ("find your councillor") and the postcode lookup.

A councillor is a page so editors write biographies and surgeries with the
same tools as any other content; their ward links them to the places people
call home. The postcode lookup is reference data imported from the national
statistics file (see the import_postcodes command), not content.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from councillor_pages.engagements import open_engagements_for_wards
from councillor_pages.forms import ContactCouncillorForm, PostcodeForm
from councillor_pages.postcodes import display_postcode
from home import fragments, ratelimit, visibility
from home.text import parse_id
from places.models import PlacePage, Ward

COUNCILLORS_PER_PAGE = 24
#: The rendition the index and the place section use; prefetched in one query.
LIST_PHOTO_SPEC = "fill-120x150"


def sort_name_for(name: str) -> str:
    """ "Cathy Scott" -> "Scott, Cathy": A to Z by family name, as people look them up."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


def councillor_list_queryset():
    """Live councillors with everything a list item shows, in a fixed number of queries.

    Callers filter out restricted pages with home.visibility.public.
    """
    image_model = get_image_model()
    return (
        CouncillorPage.objects.live()
        .select_related("ward")
        .prefetch_related(
            Prefetch("photo", queryset=image_model.objects.prefetch_renditions(LIST_PHOTO_SPEC)),
            Prefetch("roles", queryset=CouncillorRole.objects.order_by("sort_order")),
        )
        .order_by("sort_name", "title")
    )


class CouncillorIndexPage(Page):
    """Every councillor, A to Z, with "find your councillor" by postcode, ward or place."""

    introduction = models.TextField(blank=True, max_length=600)
    postcode_help = models.TextField(
        blank=True,
        max_length=400,
        help_text="Shown when a postcode is not found, for example who to ask instead.",
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["councillor_pages.CouncillorPage"]
    max_count = 1
    template = "pages/councillor_pages/councillor_index_page.html"

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("postcode_help")]

    class Meta:
        verbose_name = "councillor index page"

    def find_by_postcode(self, query, request=None) -> dict:
        """Read ?postcode=; return the form, and the ward it lies in when it is known.

        With a request, the answer is kept on it: the title and the content
        both need it, and the lookup is a query.
        """
        found = getattr(request, "_councillor_postcode", None)
        if found is None:
            found = self._find_by_postcode(query)
            if request is not None:
                request._councillor_postcode = found
        return found

    def _find_by_postcode(self, query) -> dict:
        if "postcode" not in query:
            return {"postcode_form": PostcodeForm(), "postcode_ward": None}
        form = PostcodeForm(query)
        ward = None
        postcode = ""
        if form.is_valid():
            postcode = form.cleaned_data["postcode"]
            lookup = Postcode.objects.select_related("ward").filter(postcode=postcode).first()
            if lookup is None:
                form.add_error(
                    "postcode",
                    f"We could not find {display_postcode(postcode)} in this council's area. "
                    "Check it, or choose your ward from the list",
                )
            else:
                ward = lookup.ward
        return {
            "postcode_form": form,
            "postcode_ward": ward,
            "postcode_display": display_postcode(postcode),
        }

    cache_listings = (
        "councillor_pages.councillorpage",
        "councillor_pages.postcode",
        "places.ward",
        "places.placepage",
    )

    def get_context(self, request, *args, **kwargs):
        # The postcode's answer decides the page's title ("Error: ..."), outside
        # the cached content; it costs a query only when a postcode is given.
        context = super().get_context(request, *args, **kwargs)
        context.update(self.find_by_postcode(request.GET, request))
        return context

    def get_content_context(self, request) -> dict:
        context = dict(self.find_by_postcode(request.GET, request))
        query = request.GET
        wards = list(Ward.objects.only("name", "code"))
        wards_by_code = {ward.code: ward for ward in wards}
        places = list(
            visibility.public(PlacePage.objects.live(), request)
            .only("id", "title")
            .order_by("title", "id")
        )
        councillors = visibility.public(councillor_list_queryset(), request).child_of(self)
        parties = list(
            councillors.exclude(party="")
            .order_by("party")
            .values_list("party", flat=True)
            .distinct()
        )

        selected_ward = context["postcode_ward"] or wards_by_code.get(
            query.get("ward", "").strip().upper()
        )
        selected_place = None
        if place_id := parse_id(query.get("place")):
            selected_place = next((p for p in places if p.pk == place_id), None)
        party = query.get("party", "")
        party = party if party in parties else ""
        name = " ".join(query.get("q", "").split())[:100]

        if selected_ward is not None:
            councillors = councillors.filter(ward=selected_ward)
        if selected_place is not None:
            councillors = councillors.filter(ward__places=selected_place).distinct()
        if party:
            councillors = councillors.filter(party=party)
        if name:
            councillors = councillors.filter(title__icontains=name)

        paginator = Paginator(councillors, COUNCILLORS_PER_PAGE)
        page_obj = paginator.get_page(query.get("page"))
        context.update(
            {
                "councillors": page_obj,
                "page_obj": page_obj,
                "wards": wards,
                "places": places,
                "parties": parties,
                "selected_ward": selected_ward,
                "selected_place": selected_place,
                "selected_party": party,
                "name_query": name,
                "filtered": bool(selected_ward or selected_place or party or name),
            }
        )
        return context


class CouncillorPage(Page):
    """One councillor: who they are, what they do, when to meet them, how to contact them."""

    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo_alt_text = models.CharField(
        max_length=200,
        blank=True,
        help_text="Describe the photo for people who cannot see it. Leave blank to use the "
        "image's own description.",
    )
    sort_name = models.CharField(
        max_length=120,
        blank=True,
        help_text='How the A to Z sorts this name, for example "Scott, Cathy". Leave blank to '
        "use the last word of the name.",
    )
    party = models.CharField(max_length=120, blank=True)
    ward = models.ForeignKey(
        Ward,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="councillors",
        help_text="Leave blank only while the councillor's ward is not yet known.",
    )
    email = models.EmailField(
        blank=True, help_text="Messages sent through the contact form go to this address."
    )
    phone = models.CharField(max_length=40, blank=True)
    postal_address = models.TextField(blank=True)
    biography = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    register_of_interests_url = models.URLField(
        blank=True, verbose_name="register of interests link"
    )

    parent_page_types = ["councillor_pages.CouncillorIndexPage"]
    subpage_types: list[str] = []
    template = "pages/councillor_pages/councillor_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("sort_name"), FieldPanel("party"), FieldPanel("ward")],
            heading="Who they are",
        ),
        MultiFieldPanel([FieldPanel("photo"), FieldPanel("photo_alt_text")], heading="Photo"),
        InlinePanel("roles", heading="Roles", label="Role"),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("phone"), FieldPanel("postal_address")],
            heading="Contact details",
        ),
        InlinePanel("surgeries", heading="Surgeries", label="Surgery"),
        FieldPanel("biography"),
        FieldPanel("register_of_interests_url"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("party"),
        index.SearchField("biography"),
        index.FilterField("ward"),
    ]

    class Meta:
        verbose_name = "councillor page"

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = sort_name_for(self.title)
        return super().save(*args, **kwargs)

    @property
    def photo_alt(self) -> str:
        if self.photo_alt_text:
            return self.photo_alt_text
        if self.photo is not None:
            return self.photo.default_alt_text
        return ""

    @cached_property
    def portfolio_roles(self):
        return [role for role in self.roles.all() if role.kind == CouncillorRole.Kind.PORTFOLIO]

    cache_listings = ("places.placepage", "places.ward", "councillor_pages.councillorpage")
    cache_depends_on = (fragments.WARD_ENGAGEMENTS,)

    def get_content_context(self, request) -> dict:
        context = {
            "roles": list(self.roles.all()),
            "surgeries": list(self.surgeries.all()),
            "contact_sent": request.GET.get("sent") == "1",
        }
        if self.ward_id:
            context["ward_places"] = list(
                visibility.public(PlacePage.objects.live(), request)
                .filter(wards=self.ward_id)
                .only("id", "title", "url_path", "path", "depth")
                .order_by("title")
            )
            context["ward_colleagues"] = list(
                visibility.public(CouncillorPage.objects.live(), request)
                .filter(ward=self.ward_id)
                .exclude(pk=self.pk)
                .order_by("sort_name", "title")
            )
            context["open_engagements"] = open_engagements_for_wards([self.ward_id])
        return context

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.setdefault("contact_form", ContactCouncillorForm())
        return context

    @ratelimit.limit_posts(
        lambda page: f"councillor-contact-{page.pk}",
        setting=("COUNCILLOR_CONTACT_RATE_LIMIT", "COUNCILLOR_CONTACT_RATE_LIMIT_WINDOW"),
        default=(5, 3600),
    )
    def serve(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().serve(request, *args, **kwargs)
        if not self.email:
            request.rate_limit.spend()  # nothing to send, but every answered post counts
            return HttpResponseRedirect(self.url)
        form = ContactCouncillorForm(request.POST)
        # Only messages that would be sent count against the limit.
        if form.is_valid() and request.rate_limit.spend():
            if not form.is_probably_spam():
                from councillor_pages.notifications import queue_contact_message

                queue_contact_message(self, form.cleaned_data, request)
            # Spam looks sent too, so a form-filling robot learns nothing.
            return HttpResponseRedirect(f"{self.url}?sent=1#contact")
        context = self.get_context(request, *args, **kwargs)
        context["contact_form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=400)


class CouncillorRole(Orderable):
    """A cabinet portfolio, a committee seat or another role the councillor holds."""

    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", "Cabinet portfolio holder"
        COMMITTEE_CHAIR = "committee_chair", "Committee chair"
        COMMITTEE = "committee", "Committee member"
        OTHER = "other", "Other role"

    page = ParentalKey(CouncillorPage, related_name="roles", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    title = models.CharField(
        max_length=200,
        help_text='The portfolio or committee, for example "Communities" or "Planning".',
    )

    panels = [FieldPanel("kind"), FieldPanel("title")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class CouncillorSurgery(Orderable):
    """When and where people can meet their councillor without an appointment (or with one)."""

    page = ParentalKey(CouncillorPage, related_name="surgeries", on_delete=models.CASCADE)
    when = models.CharField(
        max_length=200, help_text='For example "First Saturday of the month, 10am to 12 noon".'
    )
    where = models.TextField(help_text="The venue's name and address.")
    how_to_book = models.TextField(
        blank=True, help_text='For example "No need to book: drop in" or a phone number.'
    )
    accessibility = models.TextField(
        blank=True,
        verbose_name="access information",
        help_text="Step-free access, hearing loop, accessible toilet, parking, public transport.",
    )

    panels = [
        FieldPanel("when"),
        FieldPanel("where"),
        FieldPanel("how_to_book"),
        FieldPanel("accessibility"),
    ]

    def __str__(self):
        return self.when


class Postcode(models.Model):
    """One postcode and the ward it lies in, from the national statistics lookup."""

    postcode = models.CharField(
        max_length=8, primary_key=True, help_text="Upper case without spaces, e.g. HD12AB."
    )
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return display_postcode(self.postcode)


class EngagementNotification(models.Model):
    """A record that a councillor was told about an engagement, so nobody is told twice."""

    councillor = models.ForeignKey(
        CouncillorPage, on_delete=models.CASCADE, related_name="engagement_notifications"
    )
    engagement_key = models.CharField(max_length=200)
    title = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["councillor", "engagement_key"], name="unique_engagement_notification"
            )
        ]

    def __str__(self):
        return f"{self.title} → {self.councillor_id}"


class DigestDelivery(models.Model):
    """A record that a councillor's digest for a period went out, so a re-run never resends."""

    councillor = models.ForeignKey(
        CouncillorPage, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    new_responses = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["councillor", "period_end"], name="unique_digest_per_period"
            )
        ]

    def __str__(self):
        return f"Digest to {self.period_end:%Y-%m-%d} for {self.councillor_id}"
