"""The library's filters, search and sorting, read from a plain GET query string.

Filters combine: values within one filter widen the results (KS3 or KS4),
different filters narrow them (KS3 and the topic "voting"). Values we do not
recognise are dropped and named back to the reader, so an old or mistyped
shared link still works and never errors.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from taggit.models import Tag

from home import visibility
from schools.models import (
    DURATION_BANDS,
    KEY_STAGES,
    DownloadCount,
    KeyStage,
    LearningResourcePage,
    ResourceTag,
    ResourceType,
)

RESOURCES_PER_PAGE = 12
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8
MAX_VALUES_PER_FILTER = 20

SORTS = {
    "newest": ("Newest first", ["-first_published_at", "-pk"]),
    "most-downloaded": ("Most downloaded", ["-downloads", "title", "pk"]),
    "a-z": ("A to Z", ["title", "pk"]),
}
DEFAULT_SORT = "newest"

KEY_STAGE_LABELS = dict(KEY_STAGES)
TYPE_LABELS = dict(ResourceType.choices)
DURATION_LABELS = {value: label for value, label, _low, _high in DURATION_BANDS}


@dataclass
class LibraryFilters:
    key_stages: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    durations: list[str] = field(default_factory=list)
    query: str = ""
    sort: str = DEFAULT_SORT
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params, known_topics: dict[str, str]) -> "LibraryFilters":
        """Read the query string; `known_topics` maps topic slugs to names."""
        filters = cls()
        filters.key_stages = cls._pick(params, "key_stage", KEY_STAGE_LABELS, "key stage", filters)
        filters.topics = cls._pick(params, "topic", known_topics, "topic", filters)
        filters.types = cls._pick(params, "type", TYPE_LABELS, "resource type", filters)
        filters.durations = cls._pick(params, "duration", DURATION_LABELS, "duration", filters)
        words = " ".join(str(params.get("q", "")).split())[:SEARCH_MAX_LENGTH]
        filters.query = words
        sort = params.get("sort", DEFAULT_SORT)
        if sort in SORTS:
            filters.sort = sort
        else:
            filters.ignored.append(f"sort order “{str(sort)[:40]}”")
        return filters

    @staticmethod
    def _pick(params, name, known, label, filters) -> list[str]:
        chosen = []
        for raw in params.getlist(name)[:MAX_VALUES_PER_FILTER]:
            value = raw.strip().lower()
            if not value:
                continue
            if value in known:
                if value not in chosen:
                    chosen.append(value)
            else:
                filters.ignored.append(f"{label} “{raw[:40]}”")
        return chosen

    @property
    def active(self) -> bool:
        return bool(self.key_stages or self.topics or self.types or self.durations or self.query)

    def apply(self, resources):
        if self.key_stages:
            through = LearningResourcePage.key_stages.through
            resources = resources.filter(
                pk__in=through.objects.filter(keystage__code__in=self.key_stages).values(
                    "learningresourcepage_id"
                )
            )
        if self.topics:
            resources = resources.filter(
                pk__in=ResourceTag.objects.filter(tag__slug__in=self.topics).values(
                    "content_object_id"
                )
            )
        if self.types:
            resources = resources.filter(resource_type__in=self.types)
        if self.durations:
            band_query = Q()
            for value, _label, low, high in DURATION_BANDS:
                if value in self.durations:
                    band = Q(duration_minutes__gte=low)
                    if high is not None:
                        band &= Q(duration_minutes__lte=high)
                    band_query |= band
            resources = resources.filter(band_query)
        for word in self.query.split()[:SEARCH_MAX_WORDS]:
            tagged = ResourceTag.objects.filter(tag__name__icontains=word).values(
                "content_object_id"
            )
            resources = resources.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(learning_objectives__icontains=word)
                | Q(pk__in=tagged)
            )
        return resources


def with_download_totals(resources):
    totals = (
        DownloadCount.objects.filter(resource=OuterRef("pk"))
        .order_by()
        .values("resource")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return resources.annotate(
        downloads=Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))
    )


def library_topics(index_page) -> dict[str, str]:
    """Topics used by the library's published resources, slug -> name (one query)."""
    resource_ids = LearningResourcePage.objects.live().descendant_of(index_page).values("pk")
    tags = (
        Tag.objects.filter(schools_resourcetag_items__content_object_id__in=resource_ids)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )
    return dict(tags)


def library_context(index_page, request) -> dict:
    topics = library_topics(index_page)
    filters = LibraryFilters.from_query(request.GET, topics)
    resources = visibility.public(LearningResourcePage.objects.live(), request).descendant_of(
        index_page
    )
    resources = with_download_totals(filters.apply(resources))
    resources = resources.order_by(*SORTS[filters.sort][1]).prefetch_related(
        Prefetch("key_stages", queryset=KeyStage.objects.order_by("sort_order")),
        "tags",
    )
    paginator = Paginator(resources, RESOURCES_PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return {
        "filters": filters,
        "resources": page_obj,
        "page_obj": page_obj,
        "paginator": paginator,
        "key_stage_choices": KEY_STAGES,
        "topic_choices": list(topics.items()),
        "type_choices": ResourceType.choices,
        "duration_choices": [(value, label) for value, label, _low, _high in DURATION_BANDS],
        "sort_choices": [(value, label) for value, (label, _order) in SORTS.items()],
        "type_labels": TYPE_LABELS,
    }
