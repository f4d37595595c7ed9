"""Storing responses: whole or not at all."""

import logging

from django.db import transaction
from django.utils import timezone

from engagement.insight import count_in
from engagement.models import (
    CURRENT_CONSENT_VERSION,
    Channel,
    FollowUpContact,
    Status,
    Submission,
    ThemeScore,
)

logger = logging.getLogger(__name__)


def _create(form_page, form, *, contact=None, **fields):
    """Store one response in the current transaction, in a constant number of queries.

    One INSERT for the response, one bulk INSERT for its theme rows, one for
    a follow-up contact if given, and the tally last: its UPDATEs lock the
    place's tally rows (round row first, then its themes), so concurrent
    responses about the same place wait for each other only between those
    UPDATEs and the COMMIT right after them, not while the rest is written.
    """
    submission = Submission.objects.create(
        form_page=form_page,
        place_id=form_page.place_id,
        round_number=form_page.round_number,
        age_band=form.cleaned_data.get("age_band", ""),
        postcode_district=form.cleaned_data.get("postcode_district", ""),
        extra_answers=form.extra_answers(),
        **fields,
    )
    answers = form.theme_answers()
    ThemeScore.objects.bulk_create(
        ThemeScore(submission=submission, theme=key, score=score, comment=comment)
        for key, score, comment in answers
    )
    if contact is not None:
        FollowUpContact.objects.create(form_page=form_page, **contact)
    if submission.status == Status.ACCEPTED:
        count_in(submission, answers)
    submission.answered = sum(score is not None for _key, score, _comment in answers)
    return submission


def save_online_submission(form_page, form, first_time=None):
    """Store a citizen's response, its theme rows and any follow-up contact atomically.

    Online responses are accepted at once: the honeypot and the rate limit
    keep bots out, and staff can mark a response as spam afterwards, which
    takes it out of results. `first_time()` (home.ratelimit.first_time, from
    engagement.views) says whether these answers are new or a resent copy,
    which returns None, storing nothing. It runs inside the transaction: in
    the database's store its mark is committed with the response or not at
    all; in Redis it is taken back if storing fails.
    """
    email = form.cleaned_data.get("follow_up_email")
    contact = None
    if email and form.cleaned_data.get("follow_up_consent"):
        contact = {"email": email, "consent_version": CURRENT_CONSENT_VERSION}
    key = ""
    try:
        with transaction.atomic():
            if first_time is not None:
                first, key = first_time()
                if not first:
                    return None
            submission = _create(
                form_page,
                form,
                contact=contact,
                channel=Channel.ONLINE,
                tool_version=form.tool.key,
                status=Status.ACCEPTED,
            )
    except BaseException:
        from home import ratelimit

        ratelimit.forget_first_time(key)
        raise
    if form_page.to_address:
        transaction.on_commit(lambda: _notify(form_page, submission.answered))
    return submission


def save_staff_submission(form_page, form, user):
    received_on = form.cleaned_data.get("received_on")
    created_at = timezone.now()
    if received_on:
        created_at = timezone.make_aware(
            timezone.datetime.combine(received_on, timezone.datetime.min.time().replace(hour=12))
        )
    with transaction.atomic():
        return _create(
            form_page,
            form,
            channel=form.cleaned_data["channel"],
            tool_version=form.cleaned_data["tool_version"],
            status=Status.ACCEPTED,
            participants=form.cleaned_data["participants"],
            created_at=created_at,
            entered_by=user,
        )


def _notify(form_page, answered):
    """Tell the notification address a response arrived: counts only, no personal data."""
    from home.mail import send_email_later

    send_email_later(
        subject=form_page.subject or f"New Place Standard response: {form_page.title}",
        body=f"A new response to '{form_page.title}' arrived with {answered} themes scored.\n"
        "Read it in the admin under Place Standard responses.",
        from_email=form_page.from_address or None,
        to=[address.strip() for address in form_page.to_address.split(",") if address.strip()],
    )
