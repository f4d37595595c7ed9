"""Background tasks (django-tasks): work that should not hold up the request that asked for it.

Telling a ward's councillors about an engagement looks up every councillor
and renders a message each, so it runs in the worker (the TASKS setting).
Nothing queues it now (the `notify_ward_councillors` command finds open
engagements through home.contracts.WARD_ENGAGEMENTS); it stays importable at
this path because a queued task names it, and one queued before the change
must still run;
each message it queues is then delivered, with retries, by
`home.tasks.send_email_task`. Arguments are JSON-serialisable by design.
"""

from django_tasks import task

from councillor_pages import notifications


@task()
def notify_ward_councillors_task(ward_ids, title, url, opens_at=None, key=None):
    summary = notifications.notify_ward_councillors_of_engagement(
        ward_ids, title, url, opens_at, key=key
    )
    return {"sent": summary.sent, "already_sent": summary.already_sent}
