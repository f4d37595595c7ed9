"""Who may see citizens' personal data in the admin.

Viewing a record (a subscriber, a follow-up contact, a story submission, an
invitation) is the model's own `view` permission; seeing the personal data in
it (emails, names, phone numbers, teachers' details) also needs this one
permission, so a council can let officers work with records without exposing
people. Two-factor sign-in can be required for everyone who holds it.
"""

PERSONAL_DATA_PERMISSION = "home.view_personal_data"


def can_see_personal_data(user) -> bool:
    return bool(user and user.is_active and user.has_perm(PERSONAL_DATA_PERMISSION))
