"""Every field of every public form, the search box and public ids, under hostile input.

Each public form is listed in PUBLIC_FORMS with how to reach it, a valid
answer and the rows it stores; a coverage test fails when a form class is
added to an app without being listed here (or named as staff-only). For each
form, every field receives hostile values one at a time (quotes, CR/LF, NUL,
escape sequences, right-to-left overrides, zero-width characters, emoji,
O'Neill and Zoë, 100,000 characters, 20-digit and negative ids), and the whole
form is sent in other character sets. Each answer must be:

- never a server error;
- accepted, with every stored (or emailed) value free of control, bidi-override
  and zero-width characters (and of line breaks in single-line fields), or
- refused with the message beside each field in error (the GOV.UK pattern:
  `id="id_<field>-error"`), with no row stored anywhere.

The battery is spread so the test stays fast: the mixed hostile string goes
into every field; the long and numeric values into one field of each kind.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import models

from councillor_pages.forms import ContactCouncillorForm, PostcodeForm
from councillor_pages.models import Postcode
from engagement.conversation.forms import AlertSignupForm, FeedbackForm, StorySubmissionForm
from engagement.conversation.models import (
    ConsentRecord,
    PageFeedback,
    StoryPage,
    StorySubmission,
    Subscriber,
    Subscription,
)
from engagement.forms import PublicPlaceStandardForm
from engagement.models import FollowUpContact, Submission
from schools.forms import CouncillorInvitationForm
from schools.models import CouncillorInvitation
from tests.factories.conversation import StoryIndexPageFactory
from tests.factories.councillor_pages import CouncillorIndexPageFactory, CouncillorPageFactory
from tests.factories.engagement import PlaceStandardFormFieldFactory, PlaceStandardFormPageFactory
from tests.factories.home import StandardPageFactory
from tests.factories.places import PlacePageFactory, WardFactory
from tests.factories.schools import SchoolsIndexPageFactory
from tests.helpers.forms import SAME_ORIGIN_HEADERS, form_classes_in, post_form

pytestmark = pytest.mark.django_db

# Packages to walk: engagement.conversation is inside engagement.
OUR_APPS = ("home", "places", "engagement", "councillor_pages", "schools")

#: Forms that only signed-in staff see (Wagtail admin forms are left out on their own).
STAFF_FORMS = {
    "engagement.forms.StaffEntryForm": "paper, phone and group responses, entered by staff",
    "engagement.forms.PlaceStandardFormBase": "the shared base of the public and staff forms",
    # Staff sign-in: reachable by anyone, so the battery runs on them too, in
    # test_staff_sign_in_pages_take_hostile_input below.
    "home.signin.forms.ThrottledLoginForm": "staff sign-in (Wagtail admin)",
    "home.signin.forms.ThrottledAdminLoginForm": "staff sign-in (Django admin)",
    "home.signin.forms.ThrottledPasswordResetForm": "staff password reset request",
    "home.signin.views.CodeForm": "staff second factor, after the password",
}

MIXED = (
    'O\'Neill "Zoë" (x) AND OR NOT\r\nsecond\tline\x00\x07\x1b[31m '
    "\u202egpj.exe\u2066x\u2069 zero\u200bwidth\ufeff 👩🏽‍🚀 <b>bold</b> '; DROP TABLE x; --"
)
LONG = "Zoë " * 25_000  # 100,000 characters
HUGE_ID = "99999999999999999999"
NEGATIVE_ID = "-1"
NOT_AN_ID = "1e3"
# Without NUL, which Django refuses outright: the rest must be accepted normalised or refused.
MIXED_WITHOUT_NUL = MIXED.replace("\x00", "")
PER_KIND = (MIXED_WITHOUT_NUL, LONG, HUGE_ID, NEGATIVE_ID, NOT_AN_ID)

# What must never be stored: C0/C1 controls (bar the line break a multi-line
# field keeps), bidi embeddings/overrides/isolates and invisible characters.
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff]"
)


@dataclass
class World:
    """The pages and records the public forms need."""

    form_page: object
    councillor: object
    councillor_index: object
    programme: object
    ward: object
    story_index: object
    place: object
    standard_page: object


@pytest.fixture
def world(home_page, settings):
    settings.ENGAGEMENT_RATE_LIMIT = 0
    form_page = PlaceStandardFormPageFactory(parent=PlacePageFactory(title="Batley"))
    PlaceStandardFormFieldFactory(page=form_page, label="What one thing would you change?")
    councillor_index = CouncillorIndexPageFactory(parent=home_page)
    ward = WardFactory(name="Example Ward North")
    Postcode.objects.create(postcode="HD12AB", ward=ward)
    return World(
        form_page=form_page,
        councillor=CouncillorPageFactory(parent=councillor_index),
        councillor_index=councillor_index,
        programme=SchoolsIndexPageFactory(contact_email="programme@example.org"),
        ward=ward,
        story_index=StoryIndexPageFactory(),
        place=PlacePageFactory(title="Example Town"),
        standard_page=StandardPageFactory(title="Council tax help"),
    )


@dataclass
class PublicForm:
    form_class: type
    url: Callable[[World], str]
    valid: Callable[[World], dict]
    #: Models the form writes to; the first is the one an accepted answer adds a row to.
    stores: tuple = ()
    #: Whether an accepted answer is emailed rather than stored.
    emails: bool = False
    method: str = "post"
    #: Fields a robot fills and people never see: filled means dropped, silently or not.
    honeypots: frozenset = frozenset({"website"})
    make_form: Callable[[World], forms.BaseForm] | None = None
    context_key: str = "form"
    extra: dict = field(default_factory=dict)

    @property
    def name(self):
        return self.form_class.__name__

    def unbound(self, world):
        return self.make_form(world) if self.make_form else self.form_class()


_serial = itertools.count(1)


def _engagement_answers(world):
    page = world.form_page
    return {
        "place": str(page.place_id),
        "token": str(uuid.uuid4()),
        "moving_around": "2",
        "moving_around_comment": "Pavements are broken",
        "public_transport": "skip",
        "natural_space": "7",
        "website": "",
    }


PUBLIC_FORMS = [
    PublicForm(
        PublicPlaceStandardForm,
        url=lambda w: w.form_page.url,
        valid=_engagement_answers,
        stores=(Submission, FollowUpContact),
        make_form=lambda w: w.form_page.get_form(page=w.form_page, user=AnonymousUser()),
    ),
    PublicForm(
        ContactCouncillorForm,
        url=lambda w: w.councillor.url,
        valid=lambda w: {
            "name": "Pat Example",
            "email": "pat@example.com",
            "message": "The footpath on Example Lane is flooded.",
            "consent": "on",
            "website": "",
        },
        emails=True,
        context_key="contact_form",
    ),
    PublicForm(
        PostcodeForm,
        url=lambda w: w.councillor_index.url,
        valid=lambda w: {"postcode": "HD1 2AB"},
        method="get",
        context_key="postcode_form",
    ),
    PublicForm(
        CouncillorInvitationForm,
        url=lambda w: w.programme.url + "invite-a-councillor/",
        valid=lambda w: {
            "school_name": "Example High School",
            "ward": str(w.ward.pk),
            "contact_name": "Sam Example",
            "contact_email": "sam@example.sch.uk",
            "message": "Answer questions at our Year 9 assembly.",
            "preferred_timing": "Any Tuesday afternoon",
        },
        stores=(CouncillorInvitation,),
    ),
    PublicForm(
        StorySubmissionForm,
        url=lambda w: w.story_index.url + "tell-us-your-story/",
        valid=lambda w: {
            "title": "We cleared the canal path",
            "place": str(w.place.pk),
            "way": "be-part-of-something",
            "summary": "Twenty neighbours cleared the towpath.",
            "story": "It took a morning.\n\nNow we meet every month.",
            "photo_alt": "",
            "name": "Sam Example",
            "email": "sam@example.org",
            "credit": "name",
        },
        stores=(StorySubmission, StoryPage),
    ),
    PublicForm(
        AlertSignupForm,
        url=lambda w: "/alerts/",
        # A new address each time: signing up again adds consent to the same subscription.
        valid=lambda w: {
            "email": f"resident{next(_serial)}@example.org",
            "place": str(w.place.pk),
            "consent": "on",
        },
        stores=(Subscription, Subscriber, ConsentRecord),
    ),
    PublicForm(
        FeedbackForm,
        url=lambda w: "/feedback/",
        valid=lambda w: {"page": str(w.standard_page.pk), "helpful": "no", "comment": "Thanks"},
        stores=(PageFeedback,),
    ),
]

_addresses = (f"2001:db8::{n:x}" for n in itertools.count(1))


def send(client, spec: PublicForm, world: World, data: dict, **extra):
    """One answer from a new client address (so rate limits never stand in for validation)."""
    extra = {"REMOTE_ADDR": next(_addresses), **extra}
    if spec.method == "get":
        return client.get(spec.url(world), data, **extra)
    return post_form(client, spec.url(world), data, **extra)


def counts(spec: PublicForm) -> dict:
    return {model: model.objects.count() for model in spec.stores}


def _text_values(instance) -> list[tuple[str, bool]]:
    """(value, may hold line breaks) for every text the row holds."""
    values = []
    for model_field in instance._meta.concrete_fields:
        value = getattr(instance, model_field.attname)
        if isinstance(model_field, models.JSONField):
            values.append((json.dumps(value, ensure_ascii=False), False))
        elif isinstance(value, str):
            single = isinstance(model_field, models.CharField)
            values.append((value, not single))
    return values


def assert_clean(values):
    for value, multi_line in values:
        assert not FORBIDDEN.search(value), f"stored control character in {value[:80]!r}"
        if not multi_line:
            assert "\n" not in value, f"line break stored in a single-line value {value[:80]!r}"


def assert_accepted_cleanly(spec, before, outbox_before):
    if spec.emails:
        for message in mail.outbox[outbox_before:]:
            assert_clean([(message.subject, False), (message.body, True)])
            assert_clean([(address, False) for address in message.to + message.reply_to])
        return
    for model in spec.stores:
        new_rows = model.objects.order_by("-pk")[: model.objects.count() - before[model]]
        for row in new_rows:
            assert_clean(_text_values(row))


def bound_form(response, spec):
    try:
        form = response.context[spec.context_key]
    except (KeyError, TypeError):
        return None
    return form if isinstance(form, forms.BaseForm) else None


def assert_refused_beside_the_field(response, spec, name):
    """A refusal names each field in error beside it (or, for hidden fields, says so at the top)."""
    html = response.content.decode()
    form = bound_form(response, spec)
    if form is None or not form.is_bound:
        # Refused before the form was read (e.g. feedback for no such page): a 4xx.
        assert 400 <= response.status_code < 500, (spec.name, name, response.status_code)
        return
    assert form.errors or name in spec.honeypots, (spec.name, name, "refused without a reason")
    for errored in form.errors:
        if errored == forms.forms.NON_FIELD_ERRORS or form.fields[errored].widget.is_hidden:
            assert "There is a problem" in html or response.status_code >= 400
            continue
        auto_id = form[errored].auto_id
        assert f'id="{auto_id}-error"' in html, (
            spec.name,
            name,
            errored,
            "no message beside the field",
        )


def check_answer(client, spec, world, data, name, **extra):
    before, outbox_before = counts(spec), len(mail.outbox)
    response = send(client, spec, world, data, **extra)
    assert response.status_code < 500, (spec.name, name, response.status_code)
    after = counts(spec)
    if spec.emails:
        accepted = len(mail.outbox) > outbox_before
    elif spec.stores:
        accepted = after[spec.stores[0]] > before[spec.stores[0]]
    else:
        form = bound_form(response, spec)
        accepted = form is not None and form.is_bound and not form.errors
    if accepted:
        assert_accepted_cleanly(spec, before, outbox_before)
    else:
        assert after == before, (spec.name, name, "half-stored", before, after)
        if response.status_code != 302 or name not in spec.honeypots:
            assert_refused_beside_the_field(response, spec, name)
    return accepted


def test_every_public_form_class_is_listed_here():
    """A form class added to any app must join PUBLIC_FORMS (or STAFF_FORMS, with a reason)."""
    found = form_classes_in(OUR_APPS)
    listed = {
        f"{spec.form_class.__module__}.{spec.form_class.__qualname__}" for spec in PUBLIC_FORMS
    }
    assert found, "discovery found no forms: the walk is wrong"
    assert set(found) - set(STAFF_FORMS) <= listed, sorted(set(found) - set(STAFF_FORMS) - listed)


@pytest.mark.parametrize("spec", PUBLIC_FORMS, ids=lambda spec: spec.name)
def test_every_field_takes_hostile_input_without_a_server_error_or_half_storing(
    client, world, spec
):
    assert check_answer(client, spec, world, spec.valid(world), "(valid answer)"), (
        f"{spec.name}: the valid answer was not accepted, so this test could not fail"
    )
    names = list(spec.unbound(world).fields)
    kinds_seen = set()
    for name in names:
        form_field = spec.unbound(world).fields[name]
        if isinstance(form_field, forms.FileField):
            continue
        battery = [MIXED]
        kind = (type(form_field), type(form_field.widget))
        if kind not in kinds_seen:
            kinds_seen.add(kind)
            battery += PER_KIND
        for value in battery:
            check_answer(client, spec, world, {**spec.valid(world), name: value}, name)


def test_names_with_apostrophes_and_accents_are_accepted_as_typed(client, world):
    spec = next(s for s in PUBLIC_FORMS if s.form_class is CouncillorInvitationForm)
    data = {
        **spec.valid(world),
        "contact_name": "Zoe\u0308 O'Neill",
        "school_name": "Ysgol Gymraeg",
    }
    assert check_answer(client, spec, world, data, "contact_name")
    invitation = CouncillorInvitation.objects.get()
    assert invitation.contact_name == "Zoë O'Neill"  # NFC: one character for ë


def test_a_line_break_in_the_school_name_is_stored_as_a_space_and_the_email_goes(client, world):
    spec = next(s for s in PUBLIC_FORMS if s.form_class is CouncillorInvitationForm)
    data = {**spec.valid(world), "school_name": "Example\r\nHigh\x00School"}
    response = send(client, spec, world, data)
    assert response.status_code == 302
    assert CouncillorInvitation.objects.get().school_name == "Example HighSchool"
    assert [m.subject for m in mail.outbox] == ["Invitation to visit Example HighSchool"]


CHARSETS = {
    "latin-1": ("application/x-www-form-urlencoded; charset=iso-8859-1", "iso-8859-1"),
    "unknown": ("application/x-www-form-urlencoded; charset=x-no-such-charset", "utf-8"),
    "not-text": ("application/x-www-form-urlencoded; charset=base64", "utf-8"),
    "bad-utf-8": ("application/x-www-form-urlencoded", None),
}


@pytest.mark.parametrize("charset", CHARSETS)
def test_every_public_form_reads_other_character_sets(client, world, charset):
    content_type, encoding = CHARSETS[charset]
    for spec in PUBLIC_FORMS:
        if spec.method != "post":
            continue
        data = spec.valid(world)
        text_fields = ("name", "contact_name", "title", "comment", "moving_around_comment")
        for name in text_fields:
            if name in data:
                data[name] = "Zoë"
                break
        if encoding:
            body = urlencode(data, encoding=encoding)
        else:
            body = urlencode(data).replace("Zo%C3%AB", "Zo%FF%FE")
        before = counts(spec)
        outbox_before = len(mail.outbox)
        response = client.generic(
            "POST",
            spec.url(world),
            body,
            content_type=content_type,
            REMOTE_ADDR=next(_addresses),
            **SAME_ORIGIN_HEADERS,
        )
        assert response.status_code < 500, (spec.name, charset, response.status_code)
        after = counts(spec)
        if after != before or len(mail.outbox) > outbox_before:
            assert_accepted_cleanly(spec, before, outbox_before)
        if charset == "latin-1" and spec.stores:
            # Read as the client declared it: the accent arrives intact.
            assert after[spec.stores[0]] == before[spec.stores[0]] + 1, spec.name


SEARCHES = [
    '"',
    'say "hello',
    "(",
    "a) OR (b",
    "AND OR NOT",
    "NEAR(a b)",
    "*",
    "col:value",
    "^start -minus +plus",
    "O'Neill",
    "Zoë",
    "👩🏽‍🚀",
    "\u202egpj.exe",
    "a\x00b",
    "%",
    "x" * 100_000,
    "word " * 5_000,
]


def test_search_never_fails_on_odd_input(client, world):
    for query in SEARCHES:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query[:40]
    for page in (HUGE_ID, NEGATIVE_ID, NOT_AN_ID, "1.5"):
        assert client.get("/search/", {"q": "tax", "page": page}).status_code == 200, page


def test_search_still_finds_a_page_by_a_word_next_to_syntax(client, world):
    response = client.get("/search/", {"q": '"council (tax*'})
    assert [page.title for page in response.context["results"]] == ["Council tax help"]


def test_ids_in_query_strings_are_ignored_when_impossible(client, world):
    urls = [
        "/alerts/",
        world.story_index.url,
        world.story_index.url + "tell-us-your-story/",
        world.councillor_index.url,
    ]
    for url, value in itertools.product(urls, (HUGE_ID, NEGATIVE_ID, NOT_AN_ID, "²", "١٢")):
        response = client.get(url, {"place": value, "page": value})
        assert response.status_code < 500, (url, value, response.status_code)


@pytest.mark.parametrize(
    "value", [MIXED, MIXED_WITHOUT_NUL, LONG, HUGE_ID], ids=["mixed", "no-nul", "long", "huge-id"]
)
def test_staff_sign_in_pages_take_hostile_input(client, django_user_model, value):
    """Anyone can reach the sign-in pages: odd input is refused with a message, never a 5xx."""
    for url, data in (
        ("/admin/login/", {"username": value, "password": value}),
        ("/django-admin/login/", {"username": value, "password": value}),
        ("/admin/password_reset/", {"email": value}),
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert not django_user_model.objects.exclude(username="AnonymousUser").exists()
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(staff)
    response = client.post("/admin/two-factor/setup/", {"token": value})
    assert response.status_code in (200, 302, 403), response.status_code
