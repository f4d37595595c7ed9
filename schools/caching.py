"""What schools renew in the caches: a school saved or deleted, its ward's places."""

from __future__ import annotations

from home import fragments, invalidation
from home.contracts import CacheChange, PlacePageSection


def _ward_places(school) -> CacheChange:
    from places.models import PlacePage

    place_ids = PlacePage.objects.filter(wards=school.ward_id).values_list("pk", flat=True)
    return CacheChange(
        names=frozenset(
            fragments.section_name(PlacePageSection.SCHOOLS, place_id) for place_id in place_ids
        )
    )


def connect() -> None:
    from schools.models import KeyStage, School

    invalidation.track(School, _ward_places)
    invalidation.track(KeyStage)
