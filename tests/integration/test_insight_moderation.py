"""Moderation decisions: what they make public, and the record they leave."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagement.insight_models import HighlightedComment, ModerationDecision
from engagement.models import Moderation, Status, ThemeScore
from engagement.moderation import moderate
from tests.factories.engagement import PlaceInsightFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

TYPED = "Jo at 4 Mill Lane fixed the bench; thanks Jo"


@pytest.fixture
def comment():
    submission = SubmissionFactory(scores={"streets_spaces": (5, TYPED)})
    return submission.scores.get()


def test_a_new_comment_waits_and_is_not_public(comment):
    assert comment.moderation == Moderation.PENDING
    assert comment.public_comment == ""
    assert not ThemeScore.objects.public_comments().exists()
    assert list(ThemeScore.objects.awaiting_moderation()) == [comment]


def test_approving_publishes_the_text_and_records_who_and_when(comment, admin_user):
    decision = moderate(comment, "approved", admin_user)
    comment.refresh_from_db()
    assert comment.public_comment == TYPED
    assert list(ThemeScore.objects.public_comments()) == [comment]
    assert decision.decided_by == admin_user
    assert decision.decided_by_name == admin_user.get_username()
    assert decision.decided_at is not None


def test_redacting_publishes_only_the_redacted_text(comment, admin_user):
    moderate(comment, "redacted", admin_user, "Jo at [redacted] fixed the bench; thanks Jo")
    public = ThemeScore.objects.public_comments().get()
    assert public.public_comment == "Jo at [redacted] fixed the bench; thanks Jo"
    assert "Mill Lane" not in public.public_comment
    assert comment.moderation_decisions.get().decision == "redacted"


def test_a_redaction_that_adds_words_is_refused_and_changes_nothing(comment, admin_user):
    with pytest.raises(ValidationError) as error:
        moderate(comment, "redacted", admin_user, "Jo at [redacted] is wonderful")
    assert "redacted_text" in error.value.message_dict
    comment.refresh_from_db()
    assert comment.moderation == Moderation.PENDING
    assert not ModerationDecision.objects.exists()


def test_rejecting_after_approval_takes_it_down_and_out_of_highlights(comment, admin_user):
    moderate(comment, "approved", admin_user)
    insight = PlaceInsightFactory(place=comment.submission.place)
    HighlightedComment.objects.create(insight=insight, comment=comment)
    moderate(comment, "rejected", admin_user)
    comment.refresh_from_db()
    assert comment.public_comment == ""
    assert not ThemeScore.objects.public_comments().exists()
    assert not HighlightedComment.objects.exists()
    assert [d.decision for d in comment.moderation_decisions.all()] == ["rejected", "approved"]


def test_an_approved_comment_on_a_spam_response_is_not_public(comment, admin_user):
    moderate(comment, "approved", admin_user)
    submission = comment.submission
    submission.status = Status.SPAM
    submission.save()
    assert not ThemeScore.objects.public_comments().exists()


def test_the_database_refuses_public_text_on_an_unapproved_comment(comment):
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeScore.objects.filter(pk=comment.pk).update(public_comment="sneaked out")
