"""Signals other apps send so ward councillors hear about engagement in their ward.

``engagement_opened`` is sent by the engagement app when a form opens (its
page is published with an opening time that has passed, or a scheduled
opening arrives). Keyword arguments: ``key`` (stable, unique per engagement),
``ward_ids``, ``title``, ``url`` (absolute) and ``opens_at``.

The receiver (councillor_pages.apps) only queues a background task once the
sender's transaction commits: no email is sent inside anyone's request, and a
rolled-back publish notifies nobody.
"""

from django.dispatch import Signal

engagement_opened = Signal()
