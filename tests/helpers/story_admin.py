"""Posting a story's admin edit form as a moderator's browser would."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from home.blocks import RICH_TEXT_FEATURES


def edit_form_data(response):
    """What the admin's edit form posts back: its fields as rendered for the moderator.

    The body is sent as the rich-text editor would send it: the stored HTML
    converted to the editor's format with the body field's own features.
    """
    form = response.context["form"]
    page = form.instance
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "image": page.image_id or "",
        "image_alt": page.image_alt,
        "author_name": page.author_name,
        "way": page.way,
        "seo_title": "",
        "search_description": "",
        "places": [str(pk) for pk in form["places"].value()],
        "tags": "",
        "body": streamfield(
            [
                (child.block_type, rich_text(child.value.source, features=RICH_TEXT_FEATURES))
                for child in page.body
            ]
        ),
        "comments": inline_formset([]),
    }
    return nested_form_data(data)
