"""Demo content: the story index with example stories, example groups and crowdfunding projects.

Idempotent: pages are found by slug, groups and categories by name, projects
by name and place, so a second run creates nothing. Every story, group and
project is invented and says so: names end in "(example)" and the text says
it was made for the demonstration site.
"""

from decimal import Decimal

from engagement.conversation.models import (
    ActiveCitizenWay,
    CommunityGroup,
    CrowdfundingProject,
    CrowdfundingStatus,
    GroupCategory,
    GroupKind,
    StoryIndexPage,
    StoryPage,
)
from home.demo_tools import default_site, ensure_draft, ensure_main_menu_item, paragraph, publish
from places.models import PlacePage

INDEX_SLUG = "stories"
EXAMPLE_NOTE = "This is an example story made for the demonstration site."

# slug: (title, place slugs, way, topics, summary, paragraphs)
STORIES = {
    "example-street-tidy-in-batley": (
        "A street tidy that became a street party (example)",
        ["batley"],
        ActiveCitizenWay.BE_PART_OF_SOMETHING,
        ["environment", "neighbours"],
        "Neighbours who met to clear litter from a back lane now meet every month.",
        [
            "It started with a note through each door asking who would help clear the back "
            "lane on a Saturday morning. Twelve people came, with bin bags and a borrowed "
            "wheelbarrow.",
            "By lunchtime the lane was clear and someone had brought a flask of tea. Now the "
            "same neighbours meet on the first Saturday of every month, and last summer the "
            "tidy ended with a street party.",
        ],
    ),
    "example-shopping-for-a-neighbour-in-holmfirth": (
        "Fetching the shopping, and staying for a chat (example)",
        ["holmfirth"],
        ActiveCitizenWay.BE_A_GOOD_NEIGHBOUR,
        ["mutual aid", "loneliness"],
        "A weekly shop for a neighbour who was shielding turned into a friendship.",
        [
            "When the local mutual aid group was asking for volunteers, I offered to do one "
            "person's weekly shop. It took twenty minutes.",
            "The shopping was the easy part. What mattered was the chat on the doorstep "
            "afterwards. We still have a cup of tea together every Thursday.",
        ],
    ),
    "example-asking-about-the-bus-in-dewsbury": (
        "How a question at a ward meeting changed a bus timetable (example)",
        ["dewsbury"],
        ActiveCitizenWay.HAVE_A_VOICE,
        ["transport"],
        "Residents took their evidence about a missing evening bus to their councillors.",
        [
            "Several of us were finishing late shifts with no bus home. We counted how many "
            "people were affected and took the numbers to a ward meeting.",
            "Our councillors raised it with the bus operator. Months later a later service "
            "was added on weekdays. It showed us that speaking up, with evidence, works.",
        ],
    ),
    "example-volunteering-at-the-library-in-marsden": (
        "Two hours a week at the community library (example)",
        ["marsden"],
        ActiveCitizenWay.VOLUNTEER,
        ["volunteering", "young people"],
        "A retired teacher helps children with reading at the volunteer-run library.",
        [
            "After I retired I wanted to keep using what I know. The community library was "
            "looking for volunteers for its Saturday reading club.",
            "Two hours a week is not much, but watching a child finish their first chapter "
            "book on their own is worth every minute.",
        ],
    ),
}

CATEGORIES = ["Food", "Befriending", "Young people", "Advice", "Environment", "Health"]

# name: (kind, place slugs, categories, description, contact, website)
GROUPS = {
    "Batley Neighbours Mutual Aid (example)": (
        GroupKind.MUTUAL_AID,
        ["batley", "birstall"],
        ["Food", "Befriending"],
        "An example mutual aid group: volunteers collect shopping and prescriptions and ring "
        "people who live alone. Made up for the demonstration site.",
        "batley.neighbours@example.org",
        "",
    ),
    "Holme Valley Helping Hands (example)": (
        GroupKind.MUTUAL_AID,
        ["holmfirth", "honley"],
        ["Food", "Befriending"],
        "An example mutual aid group that formed in 2020 and now runs a weekly telephone "
        "befriending rota. Made up for the demonstration site.",
        "01234 567890",
        "",
    ),
    "North Kirklees Community Anchor (example)": (
        GroupKind.ANCHOR,
        ["dewsbury", "batley", "heckmondwike"],
        ["Advice", "Health", "Young people"],
        "An example community anchor organisation: it connects small local groups with the "
        "council, shares training and hosts a community hub. Made up for the demonstration site.",
        "hello@anchor.example.org",
        "https://anchor.example.org/",
    ),
    "Colne Valley Green Volunteers (example)": (
        GroupKind.VOLUNTARY,
        ["marsden", "slaithwaite", "golcar"],
        ["Environment"],
        "An example voluntary group that looks after footpaths and canal-side planting. Made "
        "up for the demonstration site.",
        "",
        "https://green-volunteers.example.org/",
    ),
}

# (name, place slug, summary, target, pledged, status, campaign url)
PROJECTS = [
    (
        "A community garden for the back lanes (example)",
        "batley",
        "Raised beds and a water butt on unused land behind the terraces.",
        Decimal("6000"),
        Decimal("4350"),
        CrowdfundingStatus.LIVE,
        "https://crowdfunding.example.org/batley-garden",
    ),
    (
        "New benches on the riverside walk (example)",
        "holmfirth",
        "Six benches so that older residents can rest on the walk into town.",
        Decimal("9000"),
        Decimal("9450"),
        CrowdfundingStatus.FUNDED,
        "https://crowdfunding.example.org/holmfirth-benches",
    ),
    (
        "A youth music studio (example)",
        "dewsbury",
        "A small recording studio run by and for young people.",
        Decimal("15000"),
        Decimal("2100"),
        CrowdfundingStatus.LIVE,
        "https://crowdfunding.example.org/dewsbury-studio",
    ),
]


def load(step):
    site = default_site()
    if site is None:
        step("Stories: no default site yet, skipped")
        return
    home = site.root_page.specific
    places = {page.slug: page for page in PlacePage.objects.all()}

    index = StoryIndexPage.objects.first()
    if index is None:
        index, created = ensure_draft(
            home,
            StoryIndexPage,
            INDEX_SLUG,
            title="Our stories, our places",
            introduction=(
                "Stories of active citizenship from our towns, villages and neighbourhoods: "
                "people having a voice, being part of something, being a good neighbour, "
                "volunteering and being a councillor. The stories here are examples."
            ),
            show_in_menus=True,
        )
        if created:
            publish(index)
            ensure_main_menu_item(index)
            step("Stories: created the story index and put it in the main menu")
    else:
        step("Stories: the story index is already there")

    made = 0
    for slug, (title, place_slugs, way, topics, summary, paragraphs) in STORIES.items():
        story, created = ensure_draft(
            index,
            StoryPage,
            slug,
            title=title,
            summary=f"{summary} {EXAMPLE_NOTE}",
            way=way,
            author_name="An example resident",
        )
        if not created:
            continue
        story.body = [paragraph(f"<p>{text}</p>") for text in paragraphs] + [
            paragraph(f"<p><em>{EXAMPLE_NOTE}</em></p>")
        ]
        story.places.set([places[s] for s in place_slugs if s in places])
        story.tags.add(*topics)
        publish(story)
        made += 1
    step(f"Stories: {made} example stor{'y' if made == 1 else 'ies'} added")

    categories = {name: GroupCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES}
    made = 0
    for name, (kind, place_slugs, category_names, description, contact, website) in GROUPS.items():
        if CommunityGroup.objects.filter(name=name).exists():
            continue
        group = CommunityGroup.objects.create(
            name=name, kind=kind, description=description, contact=contact, website=website
        )
        group.places_served.set([places[s] for s in place_slugs if s in places])
        group.categories.set([categories[c] for c in category_names])
        made += 1
    step(f"Community groups: {made} example group(s) added")

    made = 0
    for name, place_slug, summary, target, pledged, status, url in PROJECTS:
        place = places.get(place_slug)
        if place is None or CrowdfundingProject.objects.filter(name=name, place=place).exists():
            continue
        CrowdfundingProject.objects.create(
            name=name,
            place=place,
            summary=summary,
            target=target,
            pledged=pledged,
            status=status,
            campaign_url=url,
        )
        made += 1
    step(f"Crowdfunding: {made} example project(s) added")
