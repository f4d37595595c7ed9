"""What engagement tells the rest of the site about wards and places.

Councillor pages show a ward's open engagements, email the ward's councillors
when a form opens and send them a weekly digest; schools and others may ask
the same. They must not import engagement, so engagement answers through the
hook names and types of home.contracts.
Imported from EngagementConfig.ready().
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Site

from engagement.models import PlaceInsight, PlaceStandardFormPage, Submission, ThemeScore
from home.contracts import (
    PLACE_ALERT_ITEMS,
    WARD_ENGAGEMENT_DIGEST,
    WARD_ENGAGEMENTS,
    DigestComment,
    PlaceAlertItem,
    WardActivity,
    WardEngagement,
)


@hooks.register(WARD_ENGAGEMENTS)
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
        WardEngagement(
            key=f"place-standard:{form.pk}",
            title=form.title,
            url=form.full_url or form.url,
            ward_ids=tuple(ward.pk for ward in form.place.wards.all()),
            opens_at=form.opens_at,
            closes_at=form.closes_at,
        )
        for form in forms
    ]


@hooks.register(WARD_ENGAGEMENT_DIGEST)
def place_standard_activity(ward_ids, since, until):
    """Accepted responses received, and comments approved, per ward in [since, until).

    A response counts for every ward its place lies in. A comment joins the
    digest in the week a moderator approves it, as approved (redactions
    included); one still waiting, or rejected, is never sent anywhere.
    """
    responses = {}
    comments = {}
    rows = (
        Submission.objects.counted()
        .filter(created_at__gte=since, created_at__lt=until, place__wards__in=ward_ids)
        .values("place__wards")
        .annotate(responses=Count("pk"), participants=Sum("participants"))
    )
    for row in rows:
        if row["place__wards"] is not None:
            responses[row["place__wards"]] = row["responses"]
    approved = (
        ThemeScore.objects.public_comments()
        .filter(
            moderation_decisions__decided_at__gte=since,
            moderation_decisions__decided_at__lt=until,
            submission__place__wards__in=ward_ids,
        )
        .values_list("pk", "public_comment", "submission__place__title", "submission__place__wards")
        .order_by("pk")
        .distinct()
    )
    # DISTINCT: a comment decided on twice in the week joins its decisions twice.
    for _pk, text, place_title, ward_id in approved:
        comments.setdefault(ward_id, []).append(DigestComment(text=text, place=place_title))
    return [
        WardActivity(
            ward_id=ward_id,
            new_responses=responses.get(ward_id, 0),
            comments=tuple(comments.get(ward_id, ())),
        )
        for ward_id in sorted(responses.keys() | comments.keys())
    ]


@hooks.register(PLACE_ALERT_ITEMS)
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
        yield PlaceAlertItem(
            kind="engagement",
            item_id=str(form.pk),
            title=form.title,
            url=form.full_url or form.url,
            published_at=appeared,
            place_ids=frozenset({form.place_id}),
        )


@hooks.register(PLACE_ALERT_ITEMS)
def published_place_insight(since):
    """Results published since `since`, for place alert emails.

    An insight "appears" when an editor first publishes it; republishing with
    new actions does not send it again (conversation.alerts never sends an
    item twice anyway).
    """
    insights = (
        PlaceInsight.objects.filter(live=True, first_published_at__gte=since)
        .select_related("place")
        .order_by("first_published_at", "pk")
    )
    site = Site.objects.filter(is_default_site=True).first()
    root_url = site.root_url if site else ""
    for insight in insights:
        yield PlaceAlertItem(
            kind="result",
            item_id=str(insight.pk),
            title=f"What we heard: {insight.place.title}, {insight.heading_label.lower()}",
            url=root_url + insight.get_absolute_url(),
            published_at=insight.first_published_at,
            place_ids=frozenset({insight.place_id}),
        )
