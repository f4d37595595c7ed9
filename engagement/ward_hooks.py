"""What engagement tells the rest of the site about wards and places.

Councillor pages show a ward's open engagements, email the ward's councillors
when a form opens and send them a weekly digest; schools and others may ask
the same. They must not import engagement, so engagement answers through the
hooks they define (see councillor_pages/engagements.py for the contract).
Imported from EngagementConfig.ready().
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail import hooks

from engagement.models import PlaceStandardFormPage, Submission


@hooks.register("register_ward_engagements")
def open_place_standard_forms(ward_ids):
    """Place Standard forms open now in any of `ward_ids` (every ward when None)."""
    now = timezone.now()
    forms = (
        PlaceStandardFormPage.objects.live()
        .public()
        .filter(opens_at__lte=now, closes_at__gt=now, place__isnull=False)
        .select_related("place")
        .prefetch_related("place__wards")
    )
    if ward_ids is not None:
        forms = forms.filter(place__wards__in=ward_ids).distinct()
    return [
        {
            "key": f"place-standard:{form.pk}",
            "title": form.title,
            "url": form.full_url or form.url,
            "ward_ids": [ward.pk for ward in form.place.wards.all()],
            "opens_at": form.opens_at,
            "closes_at": form.closes_at,
        }
        for form in forms
    ]


@hooks.register("register_ward_engagement_digest")
def place_standard_activity(ward_ids, since, until):
    """Accepted responses received per ward in [since, until).

    A response counts for every ward its place lies in. Comments join the
    digest only once moderated (see the insight moderation screens); until a
    comment is approved it is never sent anywhere.
    """
    rows = (
        Submission.objects.counted()
        .filter(created_at__gte=since, created_at__lt=until, place__wards__in=ward_ids)
        .values("place__wards")
        .annotate(responses=Count("pk"), participants=Sum("participants"))
    )
    return [
        {"ward_id": row["place__wards"], "new_responses": row["responses"], "comments": []}
        for row in rows
        if row["place__wards"] is not None
    ]


__all__ = ["open_place_standard_forms", "place_standard_activity"]


@hooks.register("register_place_alert_items")
def opened_place_standard_forms(since):
    """Forms that opened since `since`, for place alert emails (see conversation.alerts).

    A form "appears" for subscribers when it is both published and open, so
    one scheduled to open later is announced when it opens, not when saved.
    """
    now = timezone.now()
    forms = (
        PlaceStandardFormPage.objects.live()
        .public()
        .filter(opens_at__lte=now, closes_at__gt=now, place__isnull=False)
        .filter(Q(opens_at__gte=since) | Q(first_published_at__gte=since))
    )
    for form in forms:
        appeared = max(form.opens_at, form.first_published_at or form.opens_at)
        yield (
            "engagement",
            str(form.pk),
            form.title,
            form.full_url or form.url,
            appeared,
            frozenset({form.place_id}),
        )
