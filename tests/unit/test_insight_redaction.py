"""A redaction may only cut text out of a comment, never add or change words."""

import pytest

from engagement.moderation import is_redaction_of

ORIGINAL = "Jo Bloggs at 12 Mill Lane leaves rubbish out; the park is lovely"


@pytest.mark.parametrize(
    "redacted",
    [
        "[redacted] leaves rubbish out; the park is lovely",
        "Jo Bloggs at [redacted] leaves rubbish out; the park is lovely",
        "[redacted] at [redacted] leaves rubbish out; the park is lovely",
        "Jo Bloggs at 12 Mill Lane leaves rubbish out; the park is [redacted]",
        "[redacted]",
    ],
)
def test_cutting_passages_out_is_a_redaction(redacted):
    assert is_redaction_of(ORIGINAL, redacted)


@pytest.mark.parametrize(
    "redacted",
    [
        ORIGINAL,  # nothing redacted: that is a plain approval
        "[redacted] leaves rubbish out; the park is awful",
        "Someone else at [redacted] leaves rubbish out; the park is lovely",
        "[redacted] the park is lovely. Vote for me!",
        "the park is lovely [redacted] leaves rubbish out",  # reordered
        "Jo Bloggs [redacted] Jo Bloggs at 12 Mill Lane leaves rubbish out; the park is lovely",
    ],
)
def test_adding_changing_or_reordering_words_is_not(redacted):
    assert not is_redaction_of(ORIGINAL, redacted)
