"""StreamField blocks shared by every page body on the site.

Each block renders through its own template in templates/components/blocks/,
so page templates only loop over `page.body`. Other apps extend
`BodyStreamBlock` with blocks of their own rather than redefining these.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    """A section heading. Pages own the single h1, so bodies start at h2."""

    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Level 2"), ("h3", "Level 3"), ("h4", "Level 4")],
        default="h2",
        help_text="Use level 2 for main sections; never skip a level.",
    )

    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    """An image with alt text (or marked decorative) and an optional caption."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"
        template = "components/blocks/captioned_image_block.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page on this site or to another website."""

    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label="Or an external address")

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError("Choose a page or give an address.")}
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    link = LinkBlock()
    button_label = blocks.CharBlock(max_length=60, help_text="Say where it goes, not 'click here'.")

    class Meta:
        icon = "pick"
        template = "components/blocks/call_to_action_block.html"


class AccordionItemBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=160)
    content = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)


class AccordionBlock(blocks.StructBlock):
    """Expandable sections built on <details>, so they open without JavaScript."""

    heading = blocks.CharBlock(required=False, max_length=120)
    items = blocks.ListBlock(AccordionItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "components/blocks/accordion_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=160)

    class Meta:
        icon = "openquote"
        template = "components/blocks/quote_block.html"


class DocumentLinksBlock(blocks.StructBlock):
    """A list of downloads, each shown with its format and size."""

    heading = blocks.CharBlock(required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(), min_num=1)

    class Meta:
        icon = "doc-full"
        template = "components/blocks/document_links_block.html"


class TitledEmbedBlock(blocks.StructBlock):
    """An embedded video or map; the title names the frame for screen readers."""

    title = blocks.CharBlock(max_length=160, help_text="Describes the embedded content.")
    embed = EmbedBlock()

    class Meta:
        icon = "media"
        template = "components/blocks/embed_block.html"


class ActiveCitizenWayBlock(blocks.StructBlock):
    """One of the ways a person can take part in local democracy."""

    title = blocks.CharBlock(max_length=120)
    description = blocks.TextBlock()
    link = blocks.PageChooserBlock(required=False)

    class Meta:
        icon = "group"
        template = "components/blocks/active_citizen_way_block.html"


class SocialLinkBlock(blocks.StructBlock):
    """The organisation's account on a social network, named in words."""

    name = blocks.CharBlock(max_length=60, help_text="For example: Facebook, YouTube.")
    url = blocks.URLBlock()

    class Meta:
        icon = "link-external"


class PlaceStandardFormBlock(blocks.PageChooserBlock):
    """Kept only so old migrations still load; no StreamField offers it any more.

    Bodies used to embed a form with it, which made home name another app's
    page type and template tag. A place page shows its open form through the
    place page sections instead (see home.contracts). Do not use it.
    """

    class Meta:
        icon = "form"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = CaptionedImageBlock()
    call_to_action = CallToActionBlock()
    accordion = AccordionBlock()
    quote = QuoteBlock()
    document_links = DocumentLinksBlock()
    embed = TitledEmbedBlock()
