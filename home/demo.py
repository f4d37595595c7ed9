"""Demo content for the home app; the content itself is in home/demo_content.toml.

What stays here is behaviour the data cannot express: replacing Wagtail's
welcome page with our home page and pointing the default site at it, and
filling only what is blank on the home page, the organisation settings and
the footer menu, so an editor's changes survive `make run`.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site
from wagtailmenus.models import FlatMenu, FlatMenuItem

from home import demo_loader
from home.demo_images import ensure_hero_image
from home.models import HomePage, OrganisationSettings

HOME_SLUG = "home"
WELCOME_TITLE = "Welcome to your new Wagtail site!"
FOOTER_MENU_HANDLE = "footer"


def _ensure_home_page(data, step):
    """Return (home, created), replacing Wagtail's welcome page and fixing the default site."""
    root = Page.get_first_root_node()
    site = demo_loader.default_site()
    welcome = Page.objects.filter(
        depth=2, content_type=ContentType.objects.get_for_model(Page), title=WELCOME_TITLE
    ).first()
    notes = []
    home = HomePage.objects.first()
    created = home is None
    if created:
        if welcome is not None and not welcome.get_children().exists():
            if site is not None and site.root_page_id == welcome.pk:
                # A Site needs a root page; park it on the tree root while the
                # welcome page (whose slug we want) goes.
                site.root_page = root
                site.save()
            welcome.delete()
            welcome = None
            notes.append("removed Wagtail's welcome page")
        taken = root.get_children().filter(slug=HOME_SLUG).exists()
        scalars = {k: v for k, v in data.items() if isinstance(v, str)}
        home = HomePage(slug="our-places" if taken else HOME_SLUG, live=False, **scalars)
        root.add_child(instance=home)
        notes.insert(0, f"created '{home.title}'")
    else:
        notes.insert(0, f"'{home.title}' already in place")
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=home.title,
        )
        notes.append("created the default site")
    elif site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or data["title"]
        site.save()
        notes.append("pointed the default site at it")
    if welcome is not None and not welcome.get_children().exists():
        welcome.delete()
        notes.append("removed Wagtail's welcome page")
    elif welcome is not None:
        notes.append("kept Wagtail's welcome page because it has child pages")
    step("Home page: " + "; ".join(notes))
    return home, created


def _finish_home_page(home, created, data, step):
    """Fill what the home page is missing, and publish it if anything changed."""
    home.refresh_from_db()  # publishing writes the tree fields, so they must be current
    if not created and home.has_unpublished_changes:
        step("Home page has unpublished changes by an editor; left as it is")
        return
    changed = created
    for field in ("ways", "body"):
        if not getattr(home, field):
            setattr(home, field, demo_loader.stream_pks(demo_loader.resolve(data[field])))
            changed = True
    if home.hero_image_id is None:
        image, image_created = ensure_hero_image()
        if created or image_created:
            home.hero_image = image
            changed = True
    if changed:
        demo_loader.publish(home)
        step("Home page: content filled in and published")
    else:
        step("Home page content: nothing missing")


def _ensure_settings(site, data, step):
    """Fill only the organisation settings that are blank (or still the default name)."""
    settings = OrganisationSettings.for_site(site)
    default_name = OrganisationSettings._meta.get_field("organisation_name").default
    changed = []
    for field, value in data.items():
        current = getattr(settings, field)
        if not current or (field == "organisation_name" and current == default_name):
            try:
                setattr(settings, field, demo_loader.resolve(value))
            except demo_loader.Missing:
                continue
            changed.append(field)
    if changed:
        settings.save()
        step(f"Organisation settings: filled in {', '.join(changed)}")
    else:
        step("Organisation settings: nothing missing")


def _ensure_footer(site, data, step):
    if FlatMenu.objects.filter(site=site, handle=FOOTER_MENU_HANDLE).exists():
        step("Footer menu: already there")
        return
    # The accessibility statement and privacy notice come from the organisation
    # settings in their own footer column; the menu adds what people look for next.
    footer = FlatMenu.objects.create(site=site, handle=FOOTER_MENU_HANDLE, title=data["title"])
    for index, reference in enumerate(data["pages"]):
        page = demo_loader.resolve(reference)
        FlatMenuItem.objects.create(menu=footer, link_page=page, sort_order=index)
    step("Footer menu: created")


def load(step):
    data = demo_loader.AppData(__file__, step)
    for section, model in [("home", HomePage), ("settings", OrganisationSettings)]:
        for field in data.data[section]:  # a typo fails here, named, before anything is built
            data.field(model, section, field)
    home, created = _ensure_home_page(data.data["home"], step)
    demo_loader.load(__file__, step)
    _finish_home_page(home, created, data.data["home"], step)
    site = demo_loader.default_site()
    _ensure_settings(site, data.data["settings"], step)
    _ensure_footer(site, data.data["footer"], step)
