"""Personal data reaches only staff with `home.view_personal_data`, in every admin view.

One dataset is seeded for the module with a unique canary value in every
personal-data field (PERSONAL_FIELDS). Then every admin URL for the
project's models, found by walking the URL resolver (listings, inspect,
history, usage, delete confirmations, snippets, choosers, reports, the
dashboard, site history), is requested as each group the project defines,
as a user with bare admin access, and as a user holding every permission of
the project's apps except the personal-data one; listings and reports are
also exported as CSV and XLSX. No canary may appear in any answer to a user
without the permission, and every canary must appear somewhere for users
with it (so the test fails both ways).
"""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from wagtail.log_actions import log

from home.permissions import PERSONAL_DATA_PERMISSION

# Marked so pytest-django sets up the test database; the data is seeded once per module.
pytestmark = pytest.mark.django_db

PROJECT_APPS = ("home", "places", "engagement", "councillor_pages", "schools", "conversation")

# Every field that identifies a citizen. A new one must be added here (see the
# coverage test below) and hidden by its admin (home.admin_tools.RecordViewSet).
PERSONAL_FIELDS = {
    "engagement.FollowUpContact": ["email"],
    "conversation.Subscriber": ["email"],
    "conversation.StorySubmission": ["name", "email"],
    "schools.CouncillorInvitation": ["contact_name", "contact_email", "message"],
}
# A private photo on a story submission, if the model has one, is personal data too.
OPTIONAL_PERSONAL_FILES = {"conversation.StorySubmission": ["photo"]}
# Personal data that no record view shows even to those allowed, and where it is seen.
NOT_SHOWN_IN_RECORDS = {
    "conversation.StorySubmission.photo": "moderators see it through the story's photo view",
}

# Fields that look like personal data but are not a citizen's, and why.
NOT_PERSONAL = {
    "home.OrganisationSettings.email": "the council's published address",
    "home.OrganisationSettings.phone": "the council's published number",
    "home.OrganisationSettings.address": "the council's published address",
    "home.OrganisationSettings.organisation_name": "the council's name",
    "engagement.PlaceStandardFormPage.to_address": "staff addresses an editor sets",
    "engagement.PlaceStandardFormPage.from_address": "the site's sender address",
    "engagement.PlaceStandardFormField.clean_name": "a question's field name",
    "engagement.Submission.postcode_district": "a district of thousands of homes (HD1)",
    "engagement.ModerationDecision.decided_by_name": "a member of staff",
    "councillor_pages.CouncillorPage.email": "a councillor's published contact",
    "councillor_pages.CouncillorPage.phone": "a councillor's published contact",
    "councillor_pages.CouncillorPage.postal_address": "a councillor's published contact",
    "councillor_pages.CouncillorPage.sort_name": "a councillor's published name",
    "councillor_pages.CouncillorIndexPage.postcode_help": "help text on the finder page",
    "councillor_pages.Postcode.postcode": "reference data: postcode to ward",
    "schools.SchoolsIndexPage.contact_email": "the programme's published address",
    "schools.CouncillorInvitation.school_name": "a school, not a person",
    "schools.School.name": "a school, not a person",
    "places.Ward.name": "an electoral ward",
    "conversation.StorySubmission.publish_name": "a consent flag, not a name",
    "conversation.StoryPage.author_name": "published on the story only with consent",
    "conversation.CommunityGroup.name": "a group, published",
    "conversation.CommunityGroup.contact": "a group's published contact",
    "conversation.GroupCategory.name": "a category",
    "conversation.CrowdfundingProject.name": "a project, published",
}
LOOKS_PERSONAL = re.compile(
    r"(^|_)(name|email|phone|address|postcode|contact|teacher|submitter)($|_)"
)


def personal_fields():
    fields = dict(PERSONAL_FIELDS)
    for label, names in OPTIONAL_PERSONAL_FILES.items():
        model = apps.get_model(label)
        present = [n for n in names if n in {f.name for f in model._meta.concrete_fields}]
        fields[label] = [*fields.get(label, []), *present]
    return fields


def project_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.concrete_fields:
            if field.model is model:
                yield model, field


def test_every_field_that_may_identify_a_person_is_classified():
    """A new email, file or name-like field fails here until someone decides what it is."""
    personal = {f"{label}.{name}" for label, names in personal_fields().items() for name in names}
    unclassified = []
    for model, field in project_fields():
        key = f"{model._meta.label}.{field.name}"
        suspicious = isinstance(field, models.EmailField | models.FileField) or (
            LOOKS_PERSONAL.search(field.name) and not field.is_relation
        )
        if suspicious and key not in personal and key not in NOT_PERSONAL:
            unclassified.append(key)
    assert unclassified == []
    stale = [key for key in [*personal, *NOT_PERSONAL] if not _field_exists(key)]
    assert stale == []


def _field_exists(key):
    app_label, model_name, field = key.split(".")
    model = apps.get_model(app_label, model_name)
    return field in {f.name for f in model._meta.concrete_fields}


# --- The seeded dataset ----------------------------------------------------------


def token(key):
    """The unique lowercase string seeded into field `key` ("app.Model.field")."""
    _app, model_name, field = key.split(".")
    return f"zq{model_name.lower()}{field.replace('_', '')}kx"


TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _create(model, **values):
    """Create with the values the model has fields for (other engineers may change them)."""
    names = {f.name for f in model._meta.concrete_fields}
    files = {k: v for k, v in values.items() if k in names and isinstance(v, ContentFile)}
    obj = model(**{k: v for k, v in values.items() if k in names and k not in files})
    for name, content in files.items():
        getattr(obj, name).save(content.name, content, save=False)
    obj.save()
    return obj


def _canaries_for(label):
    model = apps.get_model(label)
    values = {}
    for name in personal_fields()[label]:
        field, value = model._meta.get_field(name), token(f"{label}.{name}")
        if isinstance(field, models.FileField):
            values[name] = ContentFile(TINY_PNG, name=f"{value}.png")
        elif isinstance(field, models.EmailField):
            values[name] = f"{value}@example.net"
        else:
            values[name] = f"Canary {value}"
    return values


def seed():
    from councillor_pages.models import DigestDelivery, EngagementNotification, Postcode
    from engagement.conversation.models import StorySubmission, Subscriber
    from engagement.models import FollowUpContact
    from schools.models import CouncillorInvitation
    from tests.factories.conversation import (
        CommunityGroupFactory,
        CrowdfundingProjectFactory,
        StoryPageFactory,
        SubscriptionFactory,
    )
    from tests.factories.councillor_pages import CouncillorPageFactory
    from tests.factories.engagement import PlaceInsightFactory, SubmissionFactory
    from tests.factories.home import make_home_page
    from tests.factories.places import PlacePageFactory, WardFactory
    from tests.factories.schools import SchoolFactory

    make_home_page()
    ward = WardFactory(name="Example Ward North")
    place = PlacePageFactory(title="Example Town")
    submission = SubmissionFactory(scores={"moving_around": (5, "Buses are fine")})
    form_page = submission.form_page
    insight = PlaceInsightFactory(place=submission.place, round_number=1)
    insight.save_revision()
    SchoolFactory(ward=ward)
    CommunityGroupFactory(places=[place], categories=["Food"])
    CrowdfundingProjectFactory()
    councillor = CouncillorPageFactory(ward=ward)
    Postcode.objects.create(postcode="HD12AB", ward=ward)
    EngagementNotification.objects.create(
        councillor=councillor, engagement_key="form-1", title="Example engagement"
    )
    DigestDelivery.objects.create(
        councillor=councillor, period_start=timezone.now(), period_end=timezone.now()
    )

    label = "engagement.FollowUpContact"
    contact = _create(
        FollowUpContact,
        form_page=form_page,
        consent_version="follow-up-2025-1",
        **_canaries_for(label),
    )
    subscription = SubscriptionFactory(place=place)
    subscriber = subscription.subscriber
    subscriber.email = _canaries_for("conversation.Subscriber")["email"]
    subscriber.save()
    story = StoryPageFactory(places=[place])
    story_submission = _create(
        StorySubmission,
        story=story,
        consent_wording_version="story-2025-1",
        **_canaries_for("conversation.StorySubmission"),
    )
    invitation = _create(
        CouncillorInvitation,
        school_name="Example High School",
        ward=ward,
        preferred_timing="Spring term",
        **_canaries_for("schools.CouncillorInvitation"),
    )
    records = [contact, subscriber, story_submission, invitation]
    for record in records:
        log(instance=record, action="wagtail.edit")
    assert isinstance(subscriber, Subscriber)
    return {"form_page": form_page, "insight": insight, "story": story}


def _users():
    """Each group the project defines, bare admin access, and 'everything but personal data'."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    users = {}
    for group in Group.objects.order_by("name"):
        user = User.objects.create_user(f"member-of-{group.pk}", password="x")
        user.groups.add(group)
        users[f"group {group.name}"] = user
    bare = User.objects.create_user("bare-admin", password="x")
    bare.user_permissions.add(access_admin)
    users["bare admin access"] = bare
    everything = User.objects.create_user("all-but-personal-data", password="x")
    everything.user_permissions.add(
        access_admin,
        *Permission.objects.filter(content_type__app_label__in=PROJECT_APPS).exclude(
            content_type__app_label="home", codename="view_personal_data"
        ),
    )
    users["every project permission but personal data"] = everything
    users["superuser"] = User.objects.create_superuser("super", password="x")
    return users


# --- The admin URLs --------------------------------------------------------------

# Wagtail's own views that show objects of any model (its other reports list pages only).
WAGTAIL_WIDE = ("admin/", "admin/reports/site-history/", "admin/reports/site-history/results/")
ARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def admin_routes():
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.append((prefix + str(pattern.pattern), pattern.name or ""))

    walk(get_resolver().url_patterns, "")
    selected = []
    for route, name in routes:
        route = route.replace("^", "").replace("$", "").replace(r"\.", ".")
        if not route.startswith("admin/") or "logout" in route:
            continue
        in_project = any(f"{app}/" in route for app in PROJECT_APPS) or name.startswith(
            PROJECT_APPS
        )
        wagtail_wide = route in WAGTAIL_WIDE or route.startswith("admin/forms/")
        if not (in_project or wagtail_wide):
            continue
        unrelated = "/snippets/" in route and not may_show_personal_data(_model_for(route))
        if unrelated and "/choose/" not in route:
            continue
        selected.append((route, name))
    return selected


def personal_models():
    return {apps.get_model(label) for label in personal_fields()}


def may_show_personal_data(model):
    """Views of a model that neither is nor links to a personal-data model cannot show one.

    Snippet views of such models (a school, a community group) are left out to keep the
    walk fast; their choosers, every record listing, and views tied to no model
    (reports, the dashboard, site history) are always walked.
    """
    if model is None:
        return True
    personal = personal_models()
    return model in personal or any(
        field.related_model in personal for field in model._meta.get_fields() if field.is_relation
    )


def _model_for(route):
    parts = route.split("/")
    for app_label, model_name in zip(parts, parts[1:], strict=False):
        if app_label in PROJECT_APPS:
            try:
                return apps.get_model(app_label, model_name)
            except LookupError:
                continue
    return None


def fill(route, dataset):
    """The route with its arguments filled from the seeded dataset, or None if unknown."""
    model = _model_for(route)
    obj = model._default_manager.order_by("pk").first() if model else None
    revision = dataset["insight"].latest_revision

    def value(match):
        arg = match.group(1) or match.group(2)
        if arg in ("pk", "instance_pk", "object_id") and obj is not None:
            return str(obj.pk)
        if arg in ("page_id", "parent_page_id"):
            return str(dataset["form_page"].pk)
        if arg == "story_id":
            return str(dataset["story"].pk)
        if arg.startswith("revision_id"):
            return str(revision.pk)
        raise LookupError(f"{route}: no value for {arg}")

    return "/" + ARG.sub(value, route)


def content_of(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # an XLSX workbook: read the cells
        with zipfile.ZipFile(io.BytesIO(body)) as workbook:
            body = b"".join(workbook.read(name) for name in workbook.namelist())
    return body.decode("utf-8", "replace").lower()


def is_listing(route, name):
    return (
        name in ("index", "list") or name.endswith("_index") or route.startswith("admin/reports/")
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Every answer every user got, seeded and requested once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        dataset = seed()
        users = _users()
        urls = []  # (url, the model it is about or None)
        for route, name in admin_routes():
            url, model = fill(route, dataset), _model_for(route)
            urls.append((url, model))
            if is_listing(route, name) and not name.endswith("_results"):
                urls += [(f"{url}?export=csv", model), (f"{url}?export=xlsx", model)]
        answers = {}
        for who, user in users.items():
            if user.has_perm(PERSONAL_DATA_PERMISSION):
                # Only checked for seeing the canaries: the personal-data models' views suffice.
                walk = [url for url, model in urls if model in personal_models()]
            else:
                walk = [url for url, _model in urls]
            client = Client()
            client.force_login(user)
            answers[who] = {"user": user, "responses": {url: _get(client, url) for url in walk}}
        yield answers
        transaction.set_rollback(True)


def _get(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 403, 404, 405), (url, response.status_code)
    return content_of(response)


def all_canaries():
    return {
        key: token(key)
        for key in (
            f"{label}.{name}" for label, names in personal_fields().items() for name in names
        )
    }


def test_no_personal_data_reaches_staff_without_the_permission(matrix):
    leaks = []
    for who, answer in matrix.items():
        if answer["user"].has_perm(PERSONAL_DATA_PERMISSION):
            continue
        for url, body in answer["responses"].items():
            leaks += [(who, url, key) for key, value in all_canaries().items() if value in body]
    assert leaks == []


def test_staff_with_the_permission_see_the_personal_data_they_may_view(matrix):
    """The other way round: the canaries are really there, for those allowed."""
    checked = 0
    for who, answer in matrix.items():
        user = answer["user"]
        if not user.has_perm(PERSONAL_DATA_PERMISSION):
            continue
        everything = "\n".join(answer["responses"].values())
        for key, value in all_canaries().items():
            app_label, model_name, _field = key.split(".")
            if key in NOT_SHOWN_IN_RECORDS:
                continue
            if user.has_perm(f"{app_label}.view_{model_name.lower()}"):
                assert value in everything, (who, key)
                checked += 1
    shown = len(all_canaries()) - len(NOT_SHOWN_IN_RECORDS.keys() & all_canaries().keys())
    assert checked >= shown * 2  # the superuser and at least one group


def test_the_walk_covers_every_kind_of_admin_view(matrix):
    urls = list(matrix["every project permission but personal data"]["responses"])
    for fragment in (
        "/admin/conversation/subscriber/history/",
        "/admin/engagement/followupcontact/inspect/",
        "/admin/schools/councillorinvitation/usage/",
        "/admin/engagement/submission/history/",
        "/admin/snippets/choose/",
        "/admin/reports/site-history/",
        "?export=xlsx",
    ):
        assert any(fragment in url for url in urls), fragment
