"""The councillor index (find your councillor), councillor pages, contact form, place section."""

import pytest
from django.core import mail
from wagtail import hooks

from councillor_pages.models import CouncillorPage, CouncillorRole, Postcode
from home.contracts import WARD_ENGAGEMENTS, WardEngagement
from tests.factories import ImageFactory
from tests.factories.councillor_pages import (
    EXAMPLE_SURGERY,
    CouncillorIndexPageFactory,
    CouncillorPageFactory,
)
from tests.factories.places import PlacePageFactory, WardFactory
from tests.helpers.queries import assert_same_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    return CouncillorIndexPageFactory(parent=home_page)


def _text(response):
    return response.content.decode()


def test_postcode_in_any_case_and_spacing_lists_the_wards_councillors(index, client):
    ward, other = WardFactory(name="Example Ward North"), WardFactory()
    ours = CouncillorPageFactory(title="Asha Example", ward=ward)
    theirs = CouncillorPageFactory(title="Zed Example", ward=other)
    Postcode.objects.create(postcode="HD12AB", ward=ward)

    response = client.get(index.url, {"postcode": "  hd1  2Ab "})

    html = _text(response)
    assert response.status_code == 200
    assert "Councillors for Example Ward North ward" in html
    assert "HD1 2AB is in Example Ward North ward." in html
    assert ours.url in html
    assert theirs.url not in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not a postcode", "Enter a real postcode, like HD1 2AB"),
        ("ZZ9 9ZZ", "We could not find ZZ9 9ZZ in this council&#x27;s area"),
        ("", "Enter a postcode, like HD1 2AB"),
    ],
)
def test_a_bad_postcode_gets_a_clear_message_and_a_link_to_the_ward_list(
    index, client, typed, message
):
    CouncillorPageFactory()
    response = client.get(index.url, {"postcode": typed})
    html = _text(response)
    assert "There is a problem" in html
    assert html.count(message) == 2  # in the error summary and beside the field
    assert '<a href="#id_postcode">' in html
    assert 'href="#wards"' in html and 'id="wards"' in html
    assert "<title>Error: " in html
    assert f'value="{typed}"' in html  # keeps what the person typed


def test_filter_by_ward_party_name_and_place(index, client):
    north, south = WardFactory(), WardFactory()
    a = CouncillorPageFactory(title="Ann Alpha", ward=north, party="Example Party One")
    b = CouncillorPageFactory(title="Bob Beta", ward=north, party="Example Party Two")
    c = CouncillorPageFactory(title="Cal Gamma", ward=south, party="Example Party Two")
    village = PlacePageFactory(wards=[south])

    def listed(**params):
        html = _text(client.get(index.url, params))
        return {p.title for p in (a, b, c) if f'href="{p.url}"' in html}

    assert listed() == {"Ann Alpha", "Bob Beta", "Cal Gamma"}
    assert listed(ward=north.code.lower()) == {"Ann Alpha", "Bob Beta"}
    assert listed(party="Example Party Two") == {"Bob Beta", "Cal Gamma"}
    assert listed(q="beta") == {"Bob Beta"}
    assert listed(place=village.pk) == {"Cal Gamma"}
    assert listed(ward=north.code, party="Example Party Two") == {"Bob Beta"}


def test_the_index_is_a_to_z_by_family_name_and_paginated(index, client):
    for name in ["Zoe Adams", "Adam Zephyr", "Mo Brown"]:
        CouncillorPageFactory(title=name)
    html = _text(client.get(index.url))
    assert html.index("Zoe Adams") < html.index("Mo Brown") < html.index("Adam Zephyr")
    for _ in range(25):
        CouncillorPageFactory()
    html = _text(client.get(index.url, {"page": 2}))
    assert "Page 2 of 2" in html


def test_the_index_uses_the_same_queries_for_10_and_69_councillors(index, client):
    wards = [WardFactory() for _ in range(23)]
    PlacePageFactory(wards=wards[:3])

    def make(count):
        def add():
            for n in range(count):
                photo = ImageFactory() if n % 3 == 0 else None
                CouncillorPageFactory(
                    ward=wards[n % len(wards)],
                    party=f"Example Party {n % 4}",
                    photo=photo,
                    roles=[(CouncillorRole.Kind.PORTFOLIO, f"Example portfolio {n}")],
                )

        return add

    def render():
        response = client.get(index.url)
        assert response.status_code == 200

    assert_same_query_count(make(10), make(59), render, max_queries=17)
    assert CouncillorPage.objects.live().count() == 69
    response = client.get(index.url, {"ward": wards[0].code})
    assert response.context["councillors"].paginator.count == 4  # 1 of the 10 and 3 of the 59


def test_the_councillor_page_shows_roles_surgeries_places_and_open_engagements(index, client):
    ward = WardFactory(name="Example Ward East")
    place = PlacePageFactory(title="Example Hamlet", wards=[ward])
    councillor = CouncillorPageFactory(
        ward=ward,
        register_of_interests_url="https://council.example.org/interests/1",
        roles=[(CouncillorRole.Kind.PORTFOLIO, "Example Communities")],
        surgeries=[EXAMPLE_SURGERY],
        photo=ImageFactory(description="A smiling councillor"),
    )
    colleague = CouncillorPageFactory(ward=ward)

    def engagements(ward_ids):
        return [
            WardEngagement(
                key="ps:1",
                title="How good is Example Hamlet?",
                url="/places/example-hamlet/rate/",
                ward_ids=(ward.pk,),
            ),
            WardEngagement(key="ps:2", title="Elsewhere", url="/x/", ward_ids=(ward.pk + 999,)),
        ]

    with hooks.register_temporarily(WARD_ENGAGEMENTS, engagements):
        html = _text(client.get(councillor.url))
    assert "Cabinet portfolio holder: Example Communities" in html
    assert EXAMPLE_SURGERY["when"] in html
    assert EXAMPLE_SURGERY["accessibility"] in html
    assert "How good is Example Hamlet?" in html
    assert "Elsewhere" not in html
    assert place.url in html
    assert colleague.url in html
    assert 'alt="A smiling councillor"' in html
    assert "https://council.example.org/interests/1" in html


def test_every_place_page_of_the_ward_links_to_its_councillors(index, client):
    north, south = WardFactory(), WardFactory()
    ours = [CouncillorPageFactory(ward=north) for _ in range(3)]
    theirs = CouncillorPageFactory(ward=south)
    place = PlacePageFactory(wards=[north])
    html = _text(client.get(place.url))
    assert "Your councillors" in html
    for councillor in ours:
        assert councillor.url in html
    assert theirs.url not in html
    assert index.url in html


def _contact(client, councillor, **overrides):
    data = {
        "name": "Pat Example",
        "email": "pat@example.com",
        "message": "The footpath on Example Lane is flooded.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return client.post(councillor.url, data)


def test_contact_form_sends_the_message_to_the_councillor_only(
    index, client, django_capture_on_commit_callbacks
):
    councillor = CouncillorPageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client, councillor)
    assert response.status_code == 302
    assert response["Location"].endswith("?sent=1#contact")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [councillor.email]
    assert message.reply_to == ["pat@example.com"]
    assert "The footpath on Example Lane is flooded." in message.body
    assert "Message sent" in _text(client.get(response["Location"]))


def test_contact_form_errors_keep_what_was_typed_and_send_nothing(
    index, client, django_capture_on_commit_callbacks
):
    councillor = CouncillorPageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client, councillor, consent="", email="not-an-email")
    html = _text(response)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert html.count("Confirm that we can send your details to the councillor") == 2
    assert html.count("Enter an email address in the correct format") == 2
    assert "The footpath on Example Lane is flooded.</textarea>" in html
    assert 'value="Pat Example"' in html
    assert mail.outbox == []


def test_contact_form_is_rate_limited_per_client(
    index, client, settings, django_capture_on_commit_callbacks
):
    settings.COUNCILLOR_CONTACT_RATE_LIMIT = 2
    councillor = CouncillorPageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert _contact(client, councillor).status_code == 302
        assert _contact(client, councillor).status_code == 302
        response = _contact(client, councillor)
    assert response.status_code == 429
    assert "too many messages" in _text(response)
    assert response["Retry-After"]
    assert len(mail.outbox) == 2
    # Another client is not held back.
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(
            councillor.url,
            {"name": "Sam", "email": "sam@example.com", "message": "Hello", "consent": "on"},
            REMOTE_ADDR="192.0.2.9",
        )
    assert other.status_code == 302
    assert len(mail.outbox) == 3


def test_the_honeypot_sends_nothing_and_stores_nothing(
    index, client, django_capture_on_commit_callbacks
):
    from django.apps import apps

    councillor = CouncillorPageFactory()
    counts = {m: m.objects.count() for m in apps.get_app_config("councillor_pages").get_models()}
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client, councillor, website="http://spam.example")
    assert response.status_code == 302
    assert mail.outbox == []
    assert counts == {m: m.objects.count() for m in counts}
