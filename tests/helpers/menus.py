"""Finding the menus in a served page (tests/integration/test_menus*.py)."""

import re


def main_nav(html: str) -> str:
    """The main menu's <nav>."""
    match = re.search(r'<nav class="main-nav" aria-label="Main">.*?</nav>', html, re.S)
    assert match, "The main menu is not on the page"
    return match.group(0)


def footer(html: str) -> str:
    """The site footer: footer menu, contact details and links."""
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match, "The footer is not on the page"
    return match.group(0)


def nav_link(nav: str, text: str) -> str:
    """The one link whose text is `text`."""
    match = re.search(rf"<a [^>]*>{re.escape(text)}</a>", nav)
    assert match, f"No link '{text}' in:\n{nav}"
    return match.group(0)
