"""Who hears about an invitation: the ward's councillors, else the programme team.

Councillor pages live in another app that schools must not import. That app
tells us its councillors' addresses by registering a function under
WARD_CONTACTS_HOOK taking a places.Ward and returning email addresses:

    @hooks.register("register_ward_contacts")
    def ward_councillor_emails(ward):
        return CouncillorPage.objects.live().filter(ward=ward).values_list("email", flat=True)
"""

import logging

from django.template.loader import render_to_string
from wagtail import hooks

from home.mail import send_email_later

WARD_CONTACTS_HOOK = "register_ward_contacts"

logger = logging.getLogger(__name__)


def ward_contacts(ward) -> list[str]:
    addresses = []
    for fn in hooks.get_hooks(WARD_CONTACTS_HOOK):
        for address in fn(ward) or []:
            address = (address or "").strip()
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
