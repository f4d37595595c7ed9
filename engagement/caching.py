"""What engagement tells the caches (home.invalidation) when its content changes.

- A form page published, unpublished, moved or deleted: its place's "open
  form" section, the home page's open engagements, councillor pages' "open
  in your ward" (`WARD_ENGAGEMENTS`), for its place before and after.
- A form opening or closing at its set time: `SCHEDULED_CHANGES`, so nothing
  cached outlives the moment (home.schedule).
- A place published, moved or renamed: its results pages show its name.
- An insight published, unpublished or edited, a comment moderated, a
  response marked as spam (or accepted again, moved or deleted), or the
  public copy of a place's tallies refreshed (every `INSIGHT_MIN_RESPONSES`
  responses, engagement.insight.count_in): the place's results section, its
  results pages and open data, and the district overview.

Names used by the results views: `results:<place id>` (one place's results
pages), `results` (anything every place's figures feed: the overview and the
district's open data), `listing:engagement.placeinsight` (which insights
are published).
"""

from __future__ import annotations

from django.db.models import Min, Q
from django.urls import reverse
from wagtail import hooks

from home import fragments, invalidation
from home.contracts import (
    PAGE_DEPENDENTS,
    SCHEDULED_CHANGES,
    CacheChange,
    HomePageSection,
    PlacePageSection,
    ScheduledChange,
)

RESULTS = "results"


def results_name(place_id: int) -> str:
    return f"{RESULTS}:{place_id}"


def results_paths(place_id: int, rounds) -> set[str]:
    paths = set()
    for round_number in rounds:
        paths.add(reverse("insight_results", args=[place_id, round_number]))
        paths.add(reverse("insight_results_csv", args=[place_id, round_number]))
        paths.add(reverse("insight_results_json", args=[place_id, round_number]))
    return paths


def district_paths() -> set[str]:
    return {
        reverse("insight_overview"),
        reverse("insight_district_csv"),
        reverse("insight_district_json"),
    }


def affected_results_paths(place_id: int) -> set[str]:
    """Results pages that show the place's figures: its own, and those comparing with them.

    A results page compares its place with the parent place when that has
    results in the round, else with the whole district (which adds up every
    place): the place's children's pages, and every page comparing with the
    district, show this place's figures too.
    """
    from engagement.insight_models import PlaceInsight

    rows = list(
        PlaceInsight.objects.filter(live=True).values_list(
            "place_id", "round_number", "place__path"
        )
    )
    by_path = {(path, round_number): pid for pid, round_number, path in rows}
    paths = set()
    for pid, round_number, path in rows:
        parent = by_path.get((path[:-4], round_number))
        if pid == place_id or parent == place_id or parent is None:
            paths |= results_paths(pid, [round_number])
    return paths


def results_change(place_id: int, rounds=()) -> CacheChange:
    """A place's published figures or results changed (and with them the district's)."""
    paths = set()
    if invalidation.cdn_configured():
        paths = (
            results_paths(place_id, rounds) | affected_results_paths(place_id) | district_paths()
        )
    return CacheChange(
        names=frozenset(
            {
                fragments.section_name(PlacePageSection.RESULTS, place_id),
                results_name(place_id),
                RESULTS,
            }
        ),
        paths=frozenset(paths),
    )


def public_figures_moved(place_id: int, round_number: int) -> None:
    """The public copy of a round's tally was refreshed (engagement.insight.count_in).

    Called inside the response's transaction, after the tally rows are
    locked: everything waits for the commit (`now=False`).
    """
    invalidation.apply(results_change(place_id, [round_number]), now=False)


# --- Forms -----------------------------------------------------------------------------


@hooks.register(SCHEDULED_CHANGES)
def forms_opening_or_closing(now):
    """The next opening and the next closing of any live form, in one query."""
    from engagement.models import PlaceStandardFormPage

    found = PlaceStandardFormPage.objects.live().aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    changes = []
    if found["opens"]:
        changes.append(ScheduledChange(at=found["opens"], what="a Place Standard form opens"))
    if found["closes"]:
        changes.append(ScheduledChange(at=found["closes"], what="a Place Standard form closes"))
    return changes


@hooks.register(PAGE_DEPENDENTS)
def engagement_dependents(page):
    from engagement.insight_models import PlaceInsight
    from engagement.models import PlaceStandardFormPage
    from places.models import PlacePage

    model = page.specific_class
    if model is not None and issubclass(model, PlaceStandardFormPage):
        place_id = (
            PlaceStandardFormPage.objects.filter(pk=page.pk)
            .values_list("place_id", flat=True)
            .first()
        )
        names = {
            fragments.WARD_ENGAGEMENTS,
            fragments.section_name(HomePageSection.OPEN_ENGAGEMENTS),
            # Its opening and closing times are what home.schedule watches.
            fragments.SCHEDULE,
        }
        if place_id:
            names.add(fragments.section_name(PlacePageSection.OPEN_FORM, place_id))
        return CacheChange(names=frozenset(names))
    if model is not None and issubclass(model, PlacePage):
        rounds = PlaceInsight.objects.filter(place_id=page.pk, live=True).values_list(
            "round_number", flat=True
        )
        return results_change(page.pk, list(rounds)) | CacheChange(
            names=frozenset({fragments.listing_name(PlaceInsight)})
        )
    return None


# --- Insight and comments -------------------------------------------------------------


def insight_changed(sender, instance, **kwargs):
    from engagement.insight_models import PlaceInsight

    invalidation.apply(
        results_change(instance.place_id, [instance.round_number])
        | CacheChange(names=frozenset({fragments.listing_name(PlaceInsight)}))
    )


def comment_moderated(sender, instance, created=False, update_fields=None, **kwargs):
    """A comment approved, redacted or rejected: the results pages quote comments."""
    if created or (update_fields is not None and "moderation" not in update_fields):
        return
    submission = instance.submission
    invalidation.apply(results_change(submission.place_id, [submission.round_number]))


def response_changed(sender, instance, created=False, raw=False, **kwargs):
    """A response marked as spam, accepted again, moved or deleted by staff.

    Its comments leave or join the results pages at once (the tallies
    follow their own rule, engagement.signals). A new response is not a
    change here: it is counted in by the tally, whose refresh says so.
    """
    if created or raw:
        return
    before = getattr(instance, "_tally_before", None) or {}
    for place_id, round_number in {
        (instance.place_id, instance.round_number),
        (before.get("place_id"), before.get("round_number")),
    }:
        if place_id is not None:
            invalidation.apply(results_change(place_id, [round_number]))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import published, unpublished

    from engagement.insight_models import PlaceInsight
    from engagement.models import ThemeScore

    published.connect(insight_changed, sender=PlaceInsight, dispatch_uid="engagement-cache-pub")
    unpublished.connect(insight_changed, sender=PlaceInsight, dispatch_uid="engagement-cache-unpub")
    post_save.connect(insight_changed, sender=PlaceInsight, dispatch_uid="engagement-cache-save")
    post_delete.connect(
        insight_changed, sender=PlaceInsight, dispatch_uid="engagement-cache-delete"
    )
    post_save.connect(
        comment_moderated, sender=ThemeScore, dispatch_uid="engagement-cache-moderated"
    )
    from engagement.models import Submission

    post_save.connect(response_changed, sender=Submission, dispatch_uid="engagement-cache-resp")
    post_delete.connect(
        response_changed, sender=Submission, dispatch_uid="engagement-cache-resp-delete"
    )
