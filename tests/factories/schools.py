"""Factories for the schools app: the programme, the library, resources, files, schools.

`bulk_create_resources` makes hundreds of live resources in a few queries
(bypassing the per-page save path that Wagtail's add_child takes), for
query-count tests that need a big library quickly.
"""

import datetime
import uuid

import factory
import wagtail_factories
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.models import Locale, Page

from schools.models import (
    KeyStage,
    LearningResourcePage,
    ResourceFile,
    ResourceIndexPage,
    ResourceTag,
    ResourceType,
    School,
    SchoolPhase,
    SchoolsIndexPage,
    SchoolStatus,
)
from tests.factories import DocumentFactory, default_site_root
from tests.factories.places import WardFactory


class SchoolsIndexPageFactory(wagtail_factories.PageFactory):
    title = "Democracy Friendly Schools"
    slug = "democracy-friendly-schools"
    introduction = "Helping young people take part in local democracy."
    contact_email = "schools-programme@example.org"
    parent = factory.LazyFunction(default_site_root)

    class Meta:
        model = SchoolsIndexPage


def default_programme() -> SchoolsIndexPage:
    return SchoolsIndexPage.objects.first() or SchoolsIndexPageFactory()


class ResourceIndexPageFactory(wagtail_factories.PageFactory):
    title = "Learning resources"
    slug = "resources"
    introduction = "Lesson plans and activities about local democracy."
    parent = factory.LazyFunction(default_programme)

    class Meta:
        model = ResourceIndexPage


def default_library() -> ResourceIndexPage:
    return ResourceIndexPage.objects.first() or ResourceIndexPageFactory()


class ResourceDocumentFactory(DocumentFactory):
    title = factory.Sequence(lambda n: f"Example worksheet {n}")
    file = factory.LazyAttribute(
        lambda document: ContentFile(
            f"Example resource file: {document.title}\n".encode(),
            name=f"{slugify(document.title)}.txt",
        )
    )


class LearningResourcePageFactory(wagtail_factories.PageFactory):
    """LearningResourcePageFactory(key_stages=["ks3"], topics=["voting"], files=2)."""

    title = factory.Sequence(lambda n: f"Example resource {n}")
    summary = factory.LazyAttribute(lambda page: f"{page.title}, an example for tests.")
    resource_type = ResourceType.LESSON_PLAN
    duration_minutes = 45
    learning_objectives = "Explain what a councillor does\nName your ward"
    curriculum_links = "Citizenship: how local government works"
    what_you_need = "Paper and pens."
    accessibility_notes = "Read the questions aloud."
    parent = factory.LazyFunction(default_library)

    class Meta:
        model = LearningResourcePage
        skip_postgeneration_save = True

    @factory.post_generation
    def key_stages(obj, create, extracted, **kwargs):
        stages = KeyStage.ensure_all()
        obj.key_stages.set([stages[code] for code in (extracted or ["ks3"])])

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if extracted:
            obj.tags.add(*extracted)

    @factory.post_generation
    def files(obj, create, extracted, **kwargs):
        """files=N attaches N new text documents (default 1); files=[doc, ...] those."""
        documents = extracted
        if documents is None or isinstance(documents, int):
            count = 1 if documents is None else documents
            documents = [
                ResourceDocumentFactory(title=f"{obj.title} file {n + 1}") for n in range(count)
            ]
        for order, document in enumerate(documents):
            obj.files.add(ResourceFile(document=document, sort_order=order))
        if create:
            obj.save()


class SchoolFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Example School {n}")
    ward = factory.SubFactory(WardFactory)
    phase = SchoolPhase.SECONDARY
    status = SchoolStatus.TAKING_PART
    status_date = datetime.date(2022, 1, 1)

    class Meta:
        model = School


def bulk_create_resources(
    library: ResourceIndexPage, count: int, *, key_stages=("ks3",), topics=("voting",)
) -> list[int]:
    """Add `count` live resources under `library` with bulk inserts; returns their ids.

    Pages are written straight into the tree (materialised paths computed
    here), then their key stages and topics, in a handful of queries in all.
    Good for query-count tests; ordinary tests should use the factory.
    """
    library = Page.objects.get(pk=library.pk)
    content_type = ContentType.objects.get_for_model(LearningResourcePage)
    locale = Locale.get_default()
    now = timezone.now()
    existing = library.get_children().count()
    last_child = library.get_last_child()
    next_step = (int(last_child.path[-Page.steplen :], 36) + 1) if last_child else 1
    pages = []
    for n in range(count):
        step = next_step + n
        slug = f"bulk-resource-{uuid.uuid4().hex[:10]}"
        pages.append(
            Page(
                title=f"Bulk resource {existing + n:04d}",
                draft_title=f"Bulk resource {existing + n:04d}",
                slug=slug,
                content_type=content_type,
                path=library.path + _encode_step(step),
                depth=library.depth + 1,
                numchild=0,
                url_path=f"{library.url_path}{slug}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=now - datetime.timedelta(minutes=n),
                last_published_at=now,
                locale=locale,
                translation_key=uuid.uuid4(),
            )
        )
    Page.objects.bulk_create(pages)
    created = Page.objects.filter(slug__in=[page.slug for page in pages])
    ids = list(created.values_list("pk", flat=True))
    for page_id in ids:
        resource = LearningResourcePage(
            page_ptr_id=page_id,
            summary="A resource made in bulk for tests.",
            resource_type=ResourceType.WORKSHEET,
            duration_minutes=30,
            learning_objectives="Count to five hundred",
        )
        # raw=True writes only the child table; the page row already exists.
        resource.save_base(raw=True)
    stages = KeyStage.ensure_all()
    through = LearningResourcePage.key_stages.through
    through.objects.bulk_create(
        through(learningresourcepage_id=page_id, keystage_id=stages[code].pk)
        for page_id in ids
        for code in key_stages
    )
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0] for name in topics
    ]
    ResourceTag.objects.bulk_create(
        ResourceTag(content_object_id=page_id, tag=tag) for page_id in ids for tag in tags
    )
    Page.objects.filter(pk=library.pk).update(numchild=existing + count)
    return ids


def _encode_step(step: int) -> str:
    alphabet = Page.alphabet
    digits = ""
    while step:
        step, remainder = divmod(step, len(alphabet))
        digits = alphabet[remainder] + digits
    return digits.rjust(Page.steplen, alphabet[0])
