"""Keep place insight tallies current when responses change.

A response stored through the services recounts its place and round itself
(after its theme rows exist). Here: a response whose status changes (marked
as spam, accepted again) or that is deleted, however that happens through the
ORM. A bulk `QuerySet.update` or raw SQL bypasses signals: run
`manage.py recount_insight` after those.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from engagement.insight import recount
from engagement.models import Submission


@receiver(post_save, sender=Submission, dispatch_uid="engagement_recount_on_save")
def recount_changed_submission(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    recount(instance.place_id, instance.round_number)


@receiver(post_delete, sender=Submission, dispatch_uid="engagement_recount_on_delete")
def recount_deleted_submission(sender, instance, **kwargs):
    recount(instance.place_id, instance.round_number)
