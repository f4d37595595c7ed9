"""Moderating comments: the only way a comment becomes public.

A moderator approves a comment as written, approves it with parts redacted,
or rejects it. A redaction may only cut text out: the approved wording is
the original with some passages replaced by "[redacted]", so a moderator can
hide a name or an address but never put words in someone's mouth. Every
decision is recorded with who made it and when.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from engagement.insight_models import HighlightedComment, ModerationDecision
from engagement.models import Moderation

REDACTION_MARK = "[redacted]"
Decision = ModerationDecision.Decision


def is_redaction_of(original: str, redacted: str) -> bool:
    """True when `redacted` is `original` with passages replaced by the mark."""
    if REDACTION_MARK not in redacted:
        return False
    position = 0
    parts = redacted.split(REDACTION_MARK)
    for number, part in enumerate(parts):
        if number == 0:
            if not original.startswith(part):
                return False
            position = len(part)
            continue
        if number == len(parts) - 1:
            return original.endswith(part) and len(original) - len(part) >= position
        found = original.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def moderate(
    comment, decision: str, user, redacted_text: str = "", *, decided_by_name: str = ""
) -> ModerationDecision:
    """Record `user`'s decision on `comment` (a ThemeScore) and apply it.

    `user` may be None only for decisions made by a command (the demo
    content), which then names itself in `decided_by_name`.
    """
    if user is None and not decided_by_name:
        raise ValueError("A moderation decision needs a user or a name.")
    if not comment.comment:
        raise ValidationError("There is no comment to moderate.")
    if decision == Decision.APPROVED:
        public_text, state = comment.comment, Moderation.APPROVED
    elif decision == Decision.REDACTED:
        redacted_text = redacted_text.strip()
        if not is_redaction_of(comment.comment, redacted_text):
            raise ValidationError(
                {
                    "redacted_text": "Replace the parts to hide with [redacted] and leave the "
                    "rest as the person wrote it."
                }
            )
        public_text, state = redacted_text, Moderation.APPROVED
    elif decision == Decision.REJECTED:
        public_text, state = "", Moderation.REJECTED
    else:
        raise ValidationError({"decision": "Choose approve, redact or reject."})
    with transaction.atomic():
        comment.moderation = state
        comment.public_comment = public_text
        comment.save(update_fields=["moderation", "public_comment"])
        if state == Moderation.REJECTED:
            HighlightedComment.objects.filter(comment=comment).delete()
        return ModerationDecision.objects.create(
            comment=comment,
            decision=decision,
            public_text=public_text,
            decided_by=user,
            decided_by_name=user.get_username() if user is not None else decided_by_name,
        )
