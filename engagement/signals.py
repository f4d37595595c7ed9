"""Keep place insight tallies current when a stored response changes.

A response stored through the services (or the test factories) is counted
in by them, once its theme rows exist. Here: a response whose status changes
(marked as spam, accepted again), that is moved to another place or round,
or that is deleted, however that happens through the ORM. A bulk
`QuerySet.update` or raw SQL bypasses signals: run `manage.py recount_insight`
after those.
"""

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from engagement.insight import count_in
from engagement.models import Status, Submission

COUNTED_FIELDS = ("status", "place_id", "round_number", "participants")


@receiver(pre_save, sender=Submission, dispatch_uid="engagement_tally_before_save")
def remember_how_it_was_counted(sender, instance, raw=False, **kwargs):
    instance._tally_before = None
    if instance.pk and not raw:
        instance._tally_before = (
            Submission.objects.filter(pk=instance.pk).values(*COUNTED_FIELDS).first()
        )


@receiver(post_save, sender=Submission, dispatch_uid="engagement_tally_after_save")
def recount_changed_submission(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_tally_before", None)
    if created or raw or before is None:
        return
    after = {field: getattr(instance, field) for field in COUNTED_FIELDS}
    was_counted = before["status"] == Status.ACCEPTED
    is_counted = after["status"] == Status.ACCEPTED
    if was_counted and is_counted and before == after:
        return
    answers = list(instance.scores.values_list("theme", "score", "comment"))
    if was_counted:
        old = Submission(participants=before["participants"])
        count_in(
            old,
            answers,
            sign=-1,
            place_id=before["place_id"],
            round_number=before["round_number"],
        )
    if is_counted:
        count_in(instance, answers)


@receiver(pre_delete, sender=Submission, dispatch_uid="engagement_tally_before_delete")
def count_out_deleted_submission(sender, instance, **kwargs):
    if instance.status == Status.ACCEPTED:
        # Before the delete cascades to the theme rows this needs.
        count_in(instance, sign=-1)
