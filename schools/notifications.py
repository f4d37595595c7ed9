"""Who hears about an invitation: the ward's councillors, else the programme team.

Councillor pages live in another app that schools must not import. That app
tells us its councillors' addresses by registering a function under
home.contracts.WARD_CONTACTS that takes a places.Ward and returns
home.contracts.WardContact values (see councillor_pages.wagtail_hooks).
"""

import logging

from django.template.loader import render_to_string

from home.contracts import WARD_CONTACTS, collect_items
from home.mail import send_email_later

logger = logging.getLogger(__name__)


def ward_contacts(ward) -> list[str]:
    addresses = []
    for contact in collect_items(WARD_CONTACTS, ward):
        address = contact.email.strip()
        if address and address not in addresses:
            addresses.append(address)
    return addresses


def invitation_recipients(invitation, programme_page) -> tuple[list[str], bool]:
    """The addresses to tell, and whether they are the ward's councillors."""
    councillors = ward_contacts(invitation.ward) if invitation.ward else []
    if councillors:
        return councillors, True
    return [programme_page.contact_email], False


def notify_invitation(invitation, programme_page) -> int:
    """Queue one email per recipient (sent by the background email task); returns how many."""
    recipients, to_councillors = invitation_recipients(invitation, programme_page)
    context = {
        "invitation": invitation,
        "programme_page": programme_page,
        "to_councillors": to_councillors,
    }
    subject = f"Invitation to visit {invitation.school_name}"
    body = render_to_string("pages/schools/invitation_email.txt", context)
    # Each councillor gets their own message so addresses are not shared.
    for address in recipients:
        send_email_later(subject=subject, body=body, to=[address])
    return len(recipients)
