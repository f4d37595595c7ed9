"""The site's front door, its general content pages and its organisation settings."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home import sections
from home.blocks import ActiveCitizenWayBlock, BodyStreamBlock, SocialLinkBlock
from home.contracts import HOME_PAGE_SECTIONS

#: The home page shows at most this many featured pages.
FEATURED_PAGES_MAX = 6


class HomePage(Page):
    """The site root: what Our Places is, where to start, and how to take part."""

    hero_intro = models.TextField(
        help_text="One or two sentences under the main heading.", max_length=400
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Give the image a description in the image library: it becomes the alt text.",
    )
    featured_places_heading = models.CharField(max_length=120, default="Explore our places")
    ways_heading = models.CharField(max_length=120, default="Ways to be an active citizen")
    ways_intro = models.TextField(blank=True)
    ways = StreamField([("way", ActiveCitizenWayBlock())], blank=True)
    body = StreamField(BodyStreamBlock(), blank=True)

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    template = "pages/home_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("hero_intro"), FieldPanel("hero_image")], heading="Hero"),
        MultiFieldPanel(
            [
                FieldPanel("featured_places_heading"),
                InlinePanel("featured_pages", max_num=FEATURED_PAGES_MAX),
            ],
            heading="Featured places",
        ),
        MultiFieldPanel(
            [FieldPanel("ways_heading"), FieldPanel("ways_intro"), FieldPanel("ways")],
            heading="Ways to be an active citizen",
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_intro")]

    class Meta:
        verbose_name = "home page"

    cache_section_hook = HOME_PAGE_SECTIONS

    def get_content_context(self, request) -> dict:
        """What the content shows (home_tags.cached_content calls this on a miss)."""
        return {
            "featured_pages": self.get_featured_pages(),
            "section_html": sections.render_sections(HOME_PAGE_SECTIONS, self, request),
        }

    def get_featured_pages(self) -> list[Page]:
        """The first live featured pages, in order, in a fixed number of queries.

        The admin allows FEATURED_PAGES_MAX; the cap here holds whatever was
        saved another way, and `.specific()` fetches per page type, not per page.
        """
        page_ids = list(
            self.featured_pages.filter(page__live=True).values_list("page_id", flat=True)[
                :FEATURED_PAGES_MAX
            ]
        )
        pages = {page.pk: page for page in Page.objects.filter(pk__in=page_ids).specific()}
        return [pages[page_id] for page_id in page_ids if page_id in pages]


class HomePageFeaturedPage(Orderable):
    home_page = ParentalKey(HomePage, related_name="featured_pages", on_delete=models.CASCADE)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page")]


class StandardPage(Page):
    """A general content page: the programme pages, guidance, the accessibility statement."""

    introduction = models.TextField(blank=True, max_length=600)
    body = StreamField(BodyStreamBlock())

    template = "pages/standard_page.html"

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = "standard page"


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    """Who runs this site: shown in the header and footer of every page."""

    organisation_name = models.CharField(max_length=120, default="Our Places")
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    social_links = StreamField([("link", SocialLinkBlock())], blank=True)
    accessibility_statement = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_notice = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("phone"), FieldPanel("address")], heading="Contact"
        ),
        FieldPanel("social_links"),
        PageChooserPanel("accessibility_statement"),
        PageChooserPanel("privacy_notice"),
    ]

    class Meta:
        verbose_name = "organisation"


class PersonalDataAccess(models.Model):
    """Carries the one permission that reveals citizens' personal data (see home.permissions).

    No table: the model exists so the permission has a home in Wagtail's group editor.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "view_personal_data",
                "Can see citizens' personal data (emails, names, contact details)",
            )
        ]

    def __str__(self):
        return "Personal data access"
