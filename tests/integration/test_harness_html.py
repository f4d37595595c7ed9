"""The HTML validation helper itself: errors fail, harmless warnings do not."""

import pytest

from tests.helpers.html import HTMLValidationWarning, assert_valid_html

VALID = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Fine</title></head>'
    "<body><main><h1>Fine</h1></main></body></html>"
)


def test_valid_document_passes():
    assert_valid_html(VALID)


def test_errors_fail_with_line_and_message():
    invalid = VALID.replace("<main>", "<main><div><p>Unclosed</div><span id=x></span><b id=x>")

    with pytest.raises(AssertionError) as failure:
        assert_valid_html(invalid, label="broken page")

    message = str(failure.value)
    assert "broken page" in message
    assert "[error] line 1" in message
    assert "Duplicate ID" in message


def test_warnings_about_real_problems_fail():
    with pytest.raises(AssertionError, match="Empty heading"):
        assert_valid_html(VALID.replace("<h1>Fine</h1>", "<h1>Fine</h1><h2></h2>"))


def test_harmless_warnings_are_reported_not_failed():
    with pytest.warns(HTMLValidationWarning, match="unnecessary"):
        assert_valid_html(VALID.replace("<main>", '<main role="main">'))
