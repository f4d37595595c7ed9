"""The accessibility helper itself: it must fail on a page with violations."""

import pytest

from tests.helpers.accessibility import assert_no_axe_violations

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<a href="/somewhere"></a>
<p style="color:#aaa;background:#fff">Low contrast text</p>
</main></body></html>"""


def test_axe_helper_lists_each_violation_with_its_target(browser_page):
    browser_page.set_content(BROKEN_PAGE)

    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(browser_page)

    message = str(failure.value)
    for rule in ("image-alt (critical)", "link-name (serious)", "color-contrast (serious)"):
        assert rule in message
    assert "at img" in message
    assert "at a" in message


def test_axe_helper_passes_an_accessible_page(browser_page):
    browser_page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Fine</title></head>'
        "<body><main><h1>Fine</h1><p>Plain text.</p></main></body></html>"
    )

    assert_no_axe_violations(browser_page)
