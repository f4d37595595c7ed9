"""A standard page renders every body block through its own template."""

from importlib import import_module

import pytest
from wagtail.documents import get_document_model

from home.blocks import BodyStreamBlock, PlaceStandardFormBlock
from tests.factories.home import BODY_BLOCK_TYPES, StandardPageFactory


def test_every_block_factory_covers_every_body_block_type():
    # A new block type must be added to every_block_body(), so the page
    # tests (and the browser's accessibility and validity checks) cover it.
    assert set(BodyStreamBlock().child_blocks) == set(BODY_BLOCK_TYPES)


@pytest.mark.parametrize(
    "migration",
    [
        "home.migrations.0002_body_place_standard_form_block",
        "places.migrations.0002_placepage_body_place_standard_form_block",
        "schools.migrations.0003_body_place_standard_form_block",
        "engagement.conversation.migrations.0002_body_place_standard_form_block",
    ],
)
def test_old_migrations_still_build_the_removed_form_block(migration):
    """Bodies no longer offer the block, but migrations that name it must still load."""
    assert "place_standard_form" not in BodyStreamBlock().child_blocks
    for operation in import_module(migration).Migration.operations:
        block = operation.field.stream_block.child_blocks["place_standard_form"]
        assert isinstance(block, PlaceStandardFormBlock)


@pytest.mark.django_db
def test_standard_page_renders_every_block_type(client, home_page):
    page = StandardPageFactory(title="Taking part", with_every_block=True)
    document = get_document_model().objects.get()

    response = client.get(page.url)

    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        "heading": ["<h2>What this programme is for</h2>", "<h3>How it works</h3>"],
        "paragraph": ["<b>take part</b>", "<li>Rate your place</li>", f'href="{document.url}"'],
        "image": [
            'alt="Volunteers planting bulbs beside a footpath"',
            '<figcaption class="figure__caption">Volunteers at work (example photograph).',
        ],
        "call_to_action": [
            '<aside class="call-to-action" aria-label="Have your say">',
            'href="https://www.example.org/get-involved">Rate your place</a>',
        ],
        "accordion": ['<summary class="accordion__summary">Who can take part?</summary>'],
        "quote": ["<blockquote", "We found out what our neighbours wanted.", "An example resident"],
        "document_links": [f'<a href="{document.url}">Place Standard results summary</a>'],
        "embed": [
            'title="Our Places: how the Place Standard works"',
            'href="https://www.youtube.com/watch?v=ourplaces01"',
        ],
    }
    assert set(expected) == set(BODY_BLOCK_TYPES)
    missing = {
        block: fragment
        for block, fragments in expected.items()
        for fragment in fragments
        if fragment not in html
    }
    assert not missing, f"Not rendered: {missing}"
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_call_to_action_can_link_to_a_page(client, home_page):
    target = StandardPageFactory(title="Rate your place")
    page = StandardPageFactory(
        body=[
            {
                "type": "call_to_action",
                "value": {
                    "title": "Have your say",
                    "text": "",
                    "link": {"page": target.pk, "url": ""},
                    "button_label": "Rate your place",
                },
            }
        ]
    )

    html = client.get(page.url).content.decode()

    assert f'<a class="button" href="{target.url}">Rate your place</a>' in html
