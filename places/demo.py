"""Demo content for the places app; the wards and places are in places/demo_content.toml.

What stays here: the drawn hero illustration the district page uses, and
choosing the home page's featured places unless an editor already has.
"""

from home import demo_loader
from home.demo_images import ensure_hero_image


def _feature_places(data, step):
    """Fill the home page's featured places, unless an editor has chosen some."""
    home = demo_loader.home_page()
    if home is None or home.featured_pages.exists():
        step("Home page featured places: already chosen")
        return
    if home.has_unpublished_changes:
        step("Home page has unpublished changes by an editor; featured places left alone")
        return
    pages = [page for page in demo_loader.resolve_all(data.data["featured"], data) if page.live]
    home.featured_pages = [
        home.featured_pages.model(page=page, sort_order=i) for i, page in enumerate(pages)
    ]
    demo_loader.publish(home)
    step(f"Home page featured places: {', '.join(page.title for page in pages)}")


def load(step):
    if demo_loader.home_page() is not None:
        ensure_hero_image()
    demo_loader.load(__file__, step)
    _feature_places(demo_loader.AppData(__file__, step), step)
