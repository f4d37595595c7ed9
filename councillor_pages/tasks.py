"""Background tasks (django-tasks): email leaves the process that asked for it.

With no TASKS setting django-tasks runs tasks immediately (after the
request's transaction commits, since callers enqueue on commit); a project
that configures a queue backend gets true background delivery with no change
here. Arguments are JSON-serialisable by design.
"""

from django_tasks import task

from councillor_pages import notifications


@task()
def notify_ward_councillors_task(ward_ids, title, url, opens_at=None, key=None):
    summary = notifications.notify_ward_councillors_of_engagement(
        ward_ids, title, url, opens_at, key=key
    )
    return {"sent": summary.sent, "already_sent": summary.already_sent}


@task()
def send_contact_message_task(councillor_id, name, email, message):
    return notifications.send_contact_message(councillor_id, name, email, message)
