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
from wagtail.models import Site

from engagement.models import PlaceInsight, PlaceStandardFormPage, Submission, ThemeScore


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
    """Accepted responses received, and comments approved, per ward in [since, until).

    A response counts for every ward its place lies in. A comment joins the
    digest in the week a moderator approves it, as approved (redactions
    included); one still waiting, or rejected, is never sent anywhere.
    """
    activity = {}
    rows = (
        Submission.objects.counted()
        .filter(created_at__gte=since, created_at__lt=until, place__wards__in=ward_ids)
        .values("place__wards")
        .annotate(responses=Count("pk"), participants=Sum("participants"))
    )
    for row in rows:
        if row["place__wards"] is not None:
            activity[row["place__wards"]] = {
                "ward_id": row["place__wards"],
                "new_responses": row["responses"],
                "comments": [],
            }
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
        digest = activity.setdefault(
            ward_id, {"ward_id": ward_id, "new_responses": 0, "comments": []}
        )
        digest["comments"].append({"text": text, "place": place_title})
    return list(activity.values())


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


@hooks.register("register_place_alert_items")
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
        yield (
            "result",
            str(insight.pk),
            f"What we heard: {insight.place.title}, {insight.heading_label.lower()}",
            root_url + insight.get_absolute_url(),
            insight.first_published_at,
            frozenset({insight.place_id}),
        )
