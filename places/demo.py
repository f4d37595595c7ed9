"""Demo content for the places app: Kirklees's 23 wards and a tree of places.

Summaries are short factual descriptions in our own words. Places sit where
people would look for them: the district, then its towns, then villages and
neighbourhoods inside a town. Villages that are not part of any town (Golcar,
Denby Dale, Kirkburton, Gomersal) sit directly under Kirklees.

Idempotent, like every demo loader (see home.demo_tools): wards are found by
code, pages by slug under their parent, and only what is missing is created.
"""

from home.demo import NEW_CITIZENSHIP_SLUG, PLACE_STANDARD_SLUG
from home.demo_images import ensure_hero_image
from home.demo_tools import (
    call_to_action,
    ensure_draft,
    ensure_main_menu_item,
    heading,
    paragraph,
    publish,
)
from home.models import HomePage, StandardPage
from places.models import PlaceIndexPage, PlaceKind, PlacePage, Ward

#: Kirklees's electoral wards (the 2004 to 2022 set) as (ONS code, name),
#: alphabetical. Other apps' imports (councillors, postcode lookups) use it.
WARDS = [
    ("E05001517", "Almondbury"),
    ("E05001518", "Ashbrow"),
    ("E05001519", "Batley East"),
    ("E05001520", "Batley West"),
    ("E05001521", "Birstall and Birkenshaw"),
    ("E05001522", "Cleckheaton"),
    ("E05001523", "Colne Valley"),
    ("E05001524", "Crosland Moor and Netherton"),
    ("E05001525", "Dalton"),
    ("E05001526", "Denby Dale"),
    ("E05001527", "Dewsbury East"),
    ("E05001528", "Dewsbury South"),
    ("E05001529", "Dewsbury West"),
    ("E05001530", "Golcar"),
    ("E05001531", "Greenhead"),
    ("E05001532", "Heckmondwike"),
    ("E05001533", "Holme Valley North"),
    ("E05001534", "Holme Valley South"),
    ("E05001535", "Kirkburton"),
    ("E05001536", "Lindley"),
    ("E05001537", "Liversedge and Gomersal"),
    ("E05001538", "Mirfield"),
    ("E05001539", "Newsome"),
]

PLACE_INDEX_SLUG = "places"
DISTRICT_SLUG = "kirklees"
ALL_WARDS = "*"

PLACE_INDEX_INTRO = (
    "Kirklees is a patchwork of towns, villages and neighbourhoods, each with its "
    "own character. Find your place to see what people there are saying, who "
    "represents it and how to get involved."
)

#: slug: (parent slug, title, kind, ward names, topics, summary, body paragraphs).
#: Parents come before their children.
PLACES = {
    DISTRICT_SLUG: (
        None,
        "Kirklees",
        PlaceKind.DISTRICT,
        ALL_WARDS,
        ["West Yorkshire", "local democracy"],
        "A metropolitan borough in West Yorkshire, reaching from the Pennine moors "
        "above Marsden and Holmfirth to the heavy woollen towns of Batley and "
        "Dewsbury. About 430,000 people live here.",
        [
            "Kirklees was created in 1974 by bringing together Huddersfield, Dewsbury "
            "and the smaller towns around them. It is a council area rather than a "
            "place people name as home: ask someone where they live and they will say "
            "Slaithwaite, Heckmondwike or Almondbury.",
            "The borough is divided into 23 wards, each represented by three elected "
            "councillors. Choose a town, village or neighbourhood below to find out "
            "what is happening there.",
        ],
    ),
    "huddersfield": (
        DISTRICT_SLUG,
        "Huddersfield",
        PlaceKind.TOWN,
        [
            "Almondbury",
            "Ashbrow",
            "Crosland Moor and Netherton",
            "Dalton",
            "Greenhead",
            "Lindley",
            "Newsome",
        ],
        ["town centre", "textile heritage", "university"],
        "The largest town in Kirklees, where the River Holme joins the Colne. It grew "
        "rich on wool and cloth and is now home to the University of Huddersfield and "
        "a busy town centre.",
        [
            "Its railway station, with its columned front facing St George's Square, is "
            "one of the finest in the country, and rugby league was born at the George "
            "Hotel across the square in 1895.",
            "Place Standard conversations have been held here at every scale, from "
            "single neighbourhoods up to the town centre as a whole.",
        ],
    ),
    "dewsbury": (
        DISTRICT_SLUG,
        "Dewsbury",
        PlaceKind.TOWN,
        ["Dewsbury East", "Dewsbury South", "Dewsbury West"],
        ["heavy woollen district", "market town", "textile heritage"],
        "A town on the River Calder at the heart of the heavy woollen district, where "
        "old cloth was recycled into new. Its market and its Minster, on one of the "
        "oldest church sites in the area, are at the centre.",
        [
            "Dewsbury's mills turned rags into shoddy and mungo, recycled woollen cloth "
            "that was traded around the world. Many of the mill and warehouse buildings "
            "still shape the town today.",
        ],
    ),
    "batley": (
        DISTRICT_SLUG,
        "Batley",
        PlaceKind.TOWN,
        ["Batley East", "Batley West"],
        ["heavy woollen district", "parks and museums"],
        "A heavy woollen town between Dewsbury and Birstall, known for the grand "
        "Victorian warehouses its cloth merchants built, and for Wilton Park and the "
        "Bagshaw Museum.",
        [
            "Like its neighbour Dewsbury, Batley made its living from recycled wool. "
            "Today its parks, museum and town centre are at the heart of local life.",
        ],
    ),
    "holmfirth": (
        DISTRICT_SLUG,
        "Holmfirth",
        PlaceKind.TOWN,
        ["Holme Valley South"],
        ["Holme Valley", "Peak District", "tourism"],
        "A stone-built Pennine town in the Holme Valley, on the edge of the Peak "
        "District National Park, known far and wide as the setting of the BBC comedy "
        "Last of the Summer Wine.",
        [
            "Steep streets, independent shops and moorland walks bring visitors all "
            "year, while the villages up the valley keep their own strong identities.",
        ],
    ),
    "mirfield": (
        DISTRICT_SLUG,
        "Mirfield",
        PlaceKind.TOWN,
        ["Mirfield"],
        ["River Calder", "canal"],
        "A town in the Calder valley between Huddersfield and Dewsbury, with the River "
        "Calder and the Calder and Hebble Navigation running through it.",
        [
            "Mirfield is made up of several distinct communities, and its waterways, "
            "green spaces and station make it a popular place to live.",
        ],
    ),
    "cleckheaton": (
        DISTRICT_SLUG,
        "Cleckheaton",
        PlaceKind.TOWN,
        ["Cleckheaton"],
        ["Spen Valley"],
        "A Spen Valley town that was once a centre for making card clothing, the wire "
        "brushes used to prepare wool, with the Spen Valley Greenway close by.",
        [
            "Cleckheaton's town centre serves the surrounding villages, and the "
            "Greenway, a traffic-free path on an old railway line, links it with its "
            "neighbours.",
        ],
    ),
    "heckmondwike": (
        DISTRICT_SLUG,
        "Heckmondwike",
        PlaceKind.TOWN,
        ["Heckmondwike"],
        ["Spen Valley", "market town"],
        "A compact Spen Valley town built around its green, with a long history of "
        "blanket and carpet making.",
        [
            "The green, the market and the town's mix of old mills and newer homes "
            "give Heckmondwike a close-knit feel.",
        ],
    ),
    "marsden": (
        DISTRICT_SLUG,
        "Marsden",
        PlaceKind.TOWN,
        ["Colne Valley"],
        ["Colne Valley", "moorland", "canal"],
        "A small Pennine town at the head of the Colne Valley, surrounded by moorland "
        "and home to the Standedge Tunnel, the longest, deepest and highest canal "
        "tunnel in Britain.",
        [
            "The Huddersfield Narrow Canal and the railway both climb through Marsden "
            "on their way across the Pennines, and the moors around it draw walkers "
            "from across the north.",
        ],
    ),
    "slaithwaite": (
        DISTRICT_SLUG,
        "Slaithwaite",
        PlaceKind.TOWN,
        ["Colne Valley"],
        ["Colne Valley", "canal", "festivals"],
        "A Colne Valley community, known locally as Slawit, with the Huddersfield "
        "Narrow Canal running through its centre.",
        [
            "Slaithwaite is known for Moonraking, a lantern festival that retells a "
            "local legend, and for a lively centre full of community-run ventures.",
        ],
    ),
    "birstall": (
        DISTRICT_SLUG,
        "Birstall",
        PlaceKind.TOWN,
        ["Birstall and Birkenshaw"],
        ["heritage", "parks and museums"],
        "A town north of Batley with a market place, Oakwell Hall and its country "
        "park, and a statue of the scientist Joseph Priestley, who was born here.",
        [
            "Birstall mixes an old centre with newer housing and one of the area's "
            "largest shopping parks.",
        ],
    ),
    "fieldhead": (
        "birstall",
        "Fieldhead",
        PlaceKind.NEIGHBOURHOOD,
        ["Birstall and Birkenshaw"],
        ["New Citizenship Project", "neighbourhood"],
        "A residential neighbourhood of Birstall. In 2019 people here worked with the "
        "council and the New Citizenship Project on how to make their place better "
        "together.",
        [
            "What Fieldhead residents shared has shaped how the council works with "
            "people in other places, and conversations here continue.",
        ],
    ),
    "ashbrow": (
        "huddersfield",
        "Ashbrow",
        PlaceKind.NEIGHBOURHOOD,
        ["Ashbrow"],
        ["New Citizenship Project"],
        "The area to the north of Huddersfield town centre, including Sheepridge, "
        "Deighton and Bradley. In 2019 residents here took part in the New "
        "Citizenship Project.",
        [
            "Ashbrow's communities have strong local groups, and what people told us "
            "here in 2019 helped shape the council's wider work with residents.",
        ],
    ),
    "almondbury": (
        "huddersfield",
        "Almondbury",
        PlaceKind.VILLAGE,
        ["Almondbury"],
        ["heritage"],
        "One of the oldest settlements in the area, on the south-east side of "
        "Huddersfield, below Castle Hill and its Victoria Tower.",
        [
            "Castle Hill, an ancient hill fort, can be seen for miles, and the village "
            "centre keeps many of its old stone buildings.",
        ],
    ),
    "lindley": (
        "huddersfield",
        "Lindley",
        PlaceKind.VILLAGE,
        ["Lindley"],
        ["village centre", "health"],
        "A district on the western side of Huddersfield, known for its clock tower and "
        "home to Huddersfield Royal Infirmary.",
        [
            "Lindley's village centre, with its cafes and independent shops, is a "
            "focus for the surrounding neighbourhoods.",
        ],
    ),
    "honley": (
        "holmfirth",
        "Honley",
        PlaceKind.VILLAGE,
        ["Holme Valley North"],
        ["Holme Valley"],
        "A stone-built village in the Holme Valley between Huddersfield and Holmfirth, "
        "with an active community life.",
        [
            "Honley's compact centre, surrounded by woods and fields, has a strong "
            "sense of its own identity within the valley.",
        ],
    ),
    "golcar": (
        DISTRICT_SLUG,
        "Golcar",
        PlaceKind.VILLAGE,
        ["Golcar"],
        ["Colne Valley", "textile heritage"],
        "A hillside village on the north side of the Colne Valley, where the Colne "
        "Valley Museum shows how families once spun and wove cloth at home.",
        [
            "Rows of weavers' cottages with long upper windows climb the hillside, a "
            "reminder of the hand-loom workers who lived here.",
        ],
    ),
    "denby-dale": (
        DISTRICT_SLUG,
        "Denby Dale",
        PlaceKind.VILLAGE,
        ["Denby Dale"],
        ["festivals", "railway heritage"],
        "A village in the south-east of Kirklees, famous for the giant pies it bakes "
        "to mark special occasions and for its stone railway viaduct.",
        [
            "The surrounding villages and farmland make up one of the most rural "
            "wards in Kirklees.",
        ],
    ),
    "kirkburton": (
        DISTRICT_SLUG,
        "Kirkburton",
        PlaceKind.VILLAGE,
        ["Kirkburton"],
        ["village life"],
        "A village south-east of Huddersfield with an old parish church at its heart "
        "and farmland around it.",
        [
            "Kirkburton and its neighbouring villages share schools, shops and community groups.",
        ],
    ),
    "gomersal": (
        DISTRICT_SLUG,
        "Gomersal",
        PlaceKind.VILLAGE,
        ["Liversedge and Gomersal"],
        ["Spen Valley", "heritage"],
        "A village between Cleckheaton and Birstall whose older buildings include Red "
        "House, which is linked with Charlotte Brontë.",
        [
            "Gomersal shares its ward with Liversedge, and its green spaces connect "
            "with the wider Spen Valley.",
        ],
    ),
}

#: Places next to each other; both directions are recorded.
NEIGHBOURS = [
    ("dewsbury", "batley"),
    ("dewsbury", "mirfield"),
    ("batley", "birstall"),
    ("birstall", "gomersal"),
    ("cleckheaton", "heckmondwike"),
    ("cleckheaton", "gomersal"),
    ("marsden", "slaithwaite"),
    ("slaithwaite", "golcar"),
    ("holmfirth", "honley"),
    ("kirkburton", "almondbury"),
    ("kirkburton", "denby-dale"),
]

#: Shown first on the home page, at most six.
FEATURED = ["huddersfield", "dewsbury", "holmfirth", "marsden", "ashbrow", "fieldhead"]


def _ensure_wards(step):
    existing_codes = set(Ward.objects.values_list("code", flat=True))
    existing_names = set(Ward.objects.values_list("name", flat=True))
    created, skipped = 0, []
    for code, name in WARDS:
        if code in existing_codes:
            continue
        if name in existing_names:
            skipped.append(f"{name} (exists with another code, not {code})")
            continue
        Ward.objects.create(code=code, name=name)
        created += 1
    message = f"Wards: {created} created, {len(WARDS) - created - len(skipped)} already there"
    if skipped:
        message += "; skipped " + ", ".join(skipped)
    step(message)


def _body(slug, paragraphs, home_pages):
    body = [paragraph("".join(f"<p>{text}</p>" for text in paragraphs))]
    if slug in ("fieldhead", "ashbrow") and NEW_CITIZENSHIP_SLUG in home_pages:
        body.append(
            call_to_action(
                "What we learned together",
                "Read about the New Citizenship Project",
                page=home_pages[NEW_CITIZENSHIP_SLUG],
            )
        )
    if PLACE_STANDARD_SLUG in home_pages:
        body += [
            heading("Have your say"),
            call_to_action(
                "How good is this place?",
                "Find out about How Good Is Our Place?",
                page=home_pages[PLACE_STANDARD_SLUG],
                text="Tell us what works well here and what could be better.",
            ),
        ]
    return body


def load(step):
    _ensure_wards(step)
    wards_by_name = {ward.name: ward for ward in Ward.objects.all()}
    home = HomePage.objects.first()
    if home is None:
        step("Places: no home page, so nothing to add places to")
        return
    home_pages = {
        page.slug: page
        for page in StandardPage.objects.filter(
            slug__in=[NEW_CITIZENSHIP_SLUG, PLACE_STANDARD_SLUG]
        ).descendant_of(home)
    }

    # There is only ever one place index (max_count = 1), wherever an editor put it.
    index = PlaceIndexPage.objects.descendant_of(home).first()
    index_created = False
    if index is None:
        index, index_created = ensure_draft(
            home,
            PlaceIndexPage,
            PLACE_INDEX_SLUG,
            title="Places",
            introduction=PLACE_INDEX_INTRO,
            show_in_menus=True,
        )
    if index_created:
        publish(index)
        ensure_main_menu_item(index, position=0)

    # Pass one: every missing place as a draft, so neighbours can refer to any.
    pages, created = {}, []
    for slug, (parent_slug, title, kind, *_rest) in PLACES.items():
        parent = index if parent_slug is None else pages[parent_slug]
        page, is_new = ensure_draft(
            parent, PlacePage, slug, title=title, kind=kind, summary=PLACES[slug][5]
        )
        pages[slug] = page
        if is_new:
            created.append(slug)

    # Pass two: content and relations for the new ones, then one published revision each.
    image = ensure_hero_image()[0] if created else None
    for slug in created:
        _parent, _title, _kind, ward_names, topics, _summary, paragraphs = PLACES[slug]
        page = pages[slug]
        names = [name for _code, name in WARDS] if ward_names == ALL_WARDS else ward_names
        page.wards = [wards_by_name[name] for name in names if name in wards_by_name]
        page.neighbours = [
            pages[other]
            for pair in NEIGHBOURS
            if slug in pair
            for other in pair
            if other != slug and isinstance(pages[other], PlacePage)
        ]
        page.tags.set(topics)
        page.body = _body(slug, paragraphs, home_pages)
        if slug == DISTRICT_SLUG:
            page.hero_image = image
        publish(page)
    step(
        f"Places: index {'created' if index_created else 'already there'}; "
        f"{len(created)} places created, {len(PLACES) - len(created)} already there"
    )
    _feature_places(home, pages, step)


def _feature_places(home, pages, step):
    """Fill the home page's featured places, unless an editor has chosen some."""
    if home.featured_pages.exists():
        step("Home page featured places: already chosen")
        return
    if home.has_unpublished_changes:
        step("Home page has unpublished changes by an editor; featured places left alone")
        return
    featured = [pages[slug] for slug in FEATURED if pages[slug].live]
    home.featured_pages = [
        home.featured_pages.model(page=page, sort_order=i) for i, page in enumerate(featured)
    ]
    publish(home)
    step(f"Home page featured places: {', '.join(page.title for page in featured)}")
