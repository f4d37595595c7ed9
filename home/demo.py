"""Demo content for the home app: the front door, local democracy pages,
site settings and menus, written from the council's published documents.

Copy is our own summary of Kirklees Council's published strategy (see the
project's context documents), not quotations from it. Quotes from residents
and example contact details are invented and say so on the page.

Idempotent: see home.demo_tools. Pages are found by slug under their parent
and created only when missing; settings fill only blank fields; menus gain
items only for pages created in this run (or when a menu is new), so an
editor's changes survive `make run`.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site
from wagtailmenus.models import FlatMenu, FlatMenuItem

from home.demo_images import ensure_hero_image
from home.demo_tools import (
    DRAFT_BODY,
    accordion,
    call_to_action,
    default_site,
    ensure_draft,
    ensure_main_menu_item,
    heading,
    page_link,
    paragraph,
    publish,
    quote,
)
from home.models import HomePage, OrganisationSettings, StandardPage

HOME_SLUG = "home"
SITE_NAME = "Our Places"
LOCAL_DEMOCRACY_SLUG = "local-democracy"
PLACE_STANDARD_SLUG = "how-good-is-our-place"
NEW_CITIZENSHIP_SLUG = "new-citizenship-project"
ACCESSIBILITY_SLUG = "accessibility-statement"
PRIVACY_SLUG = "privacy-notice"
FOOTER_MENU_HANDLE = "footer"

EXAMPLE_EMAIL = "ourplaces@example.org"
#: In Ofcom's range reserved for drama, so it can never ring a real person.
EXAMPLE_PHONE = "01632 960 000"
EXAMPLE_NOTE = "(example for the demo site)"

WELCOME_TITLE = "Welcome to your new Wagtail site!"

ILLUSTRATIVE = "illustrative quote written for the demo site, not a real person"


# Home page ---------------------------------------------------------------------

HERO_INTRO = (
    "Kirklees is made up of towns, villages and neighbourhoods that each know "
    "what they need. Find out what is happening where you live, tell us what "
    "you think of it, and help decide what happens next."
)

WAYS_INTRO = (
    "You do not need a title or a seat on a committee to make a difference. "
    "Caring about where you live, and about the people you share it with, is "
    "enough to start. Here are five ways in: choose the one that suits you."
)


def _ways(pages):
    return [
        {
            "type": "way",
            "value": {
                "title": "Have a voice",
                "description": (
                    "Take part in local decisions. Vote in local elections, get to know "
                    "your ward councillors, sign or start a petition, come along to a "
                    "community meeting, tell us how good your place is, or speak up for "
                    "someone who finds it harder to be heard."
                ),
                "link": pages[PLACE_STANDARD_SLUG].pk,
            },
        },
        {
            "type": "way",
            "value": {
                "title": "Be part of something",
                "description": (
                    "Find people who care about the same things you do. Join a community "
                    "group or start your own, help put on a local event, tidy up the "
                    "street with your neighbours, or lend a local group something it needs."
                ),
                "link": pages["working-alongside"].pk,
            },
        },
        {
            "type": "way",
            "value": {
                "title": "Be a councillor",
                "description": (
                    "If there is something in your neighbourhood you want to change, "
                    "protect or improve, you could stand for election. Few roles give you "
                    "as much chance to make daily life better for the people around you."
                ),
                "link": pages[LOCAL_DEMOCRACY_SLUG].pk,
            },
        },
        {
            "type": "way",
            "value": {
                "title": "Be a good neighbour",
                "description": (
                    "Small things count. Stop to say hello, pick up some shopping for "
                    "someone, look in on a neighbour who lives alone when the weather "
                    "turns cold, or pass on news about what is going on nearby."
                ),
                "link": pages["mutual-aid-and-community-anchors"].pk,
            },
        },
        {
            "type": "way",
            "value": {
                "title": "Volunteer",
                "description": (
                    "Give a little of your time and skills to a local organisation. You "
                    "could become a school governor or charity trustee, mentor someone, "
                    "befriend an older neighbour or join a panel. You will get a lot back."
                ),
                "link": None,
            },
        },
    ]


def _home_body(pages):
    return [
        heading("Working in the open"),
        paragraph(
            "<p>Our Places is where Kirklees Council shares its place-based work with "
            "the people who live here. When we ask what you think of a place, we "
            "publish what we heard and what changed as a result, place by place.</p>"
            "<p>You can take part online, on paper, by phone or as part of a group, "
            "and every page works with a keyboard and a screen reader.</p>"
        ),
        call_to_action(
            "How good is your place?",
            "Find out about How Good Is Our Place?",
            page=pages[PLACE_STANDARD_SLUG],
            text=(
                "Rate where you live on 14 themes, from green space to feeling safe, "
                "and see what your neighbours have said."
            ),
        ),
    ]


# Local democracy pages ------------------------------------------------------------


def _local_democracy(pages):
    children = [
        ("growing-a-stronger-local-democracy", "what the Democracy Commission recommended"),
        ("place-based-working", "how the council is reorganising around local places"),
        (PLACE_STANDARD_SLUG, "our conversations about what makes a good place"),
        (NEW_CITIZENSHIP_SLUG, "what we learned with people in Ashbrow and Fieldhead"),
        ("mutual-aid-and-community-anchors", "the community response since 2020"),
        ("democracy-friendly-schools", "young citizens and their councillors"),
        ("our-shared-goal", "the goal local people wrote, and how we track it"),
        ("working-alongside", "the values we share with our partners"),
    ]
    items = "".join(
        f"<li>{page_link(pages[slug], pages[slug].title)}: {description}</li>"
        for slug, description in children
    )
    return {
        "introduction": (
            "Kirklees is changing how the council and the people who live here work "
            "together: a continuing conversation instead of one-off consultations, "
            "starting from each local place, with ward councillors at the centre."
        ),
        "body": [
            paragraph(
                "<p>Local democracy is more than voting every few years. It is also "
                "about whether people feel able to shape the place they live in, and "
                "whether the council listens and acts on what it hears. Since the "
                "Kirklees Democracy Commission reported, the council has been testing "
                "new ways of doing that, place by place.</p>"
            ),
            heading("Our work, strand by strand"),
            paragraph(f"<ul>{items}</ul>"),
            heading("Other parts of the picture"),
            accordion(
                [
                    (
                        "Putting councillors at the heart",
                        "<p>We found that many staff and residents were unsure what "
                        "councillors actually do. Since then we have changed how we "
                        "support councillors, trained staff, told councillors' stories "
                        "and made more chances for people to meet the councillors who "
                        "represent them.</p>",
                    ),
                    (
                        "Growing Great Places: civic crowdfunding",
                        "<p>With the crowdfunding platform Spacehive, we help residents "
                        "and local organisations raise support for projects in their "
                        "place. We want ideas that come out of How Good Is Our Place? "
                        "conversations to be able to grow into funded projects this "
                        'way. <a href="https://www.spacehive.com/">Visit Spacehive</a>.'
                        "</p>",
                    ),
                    (
                        "Democracy Pioneers",
                        "<p>In 2020 Nesta named Kirklees one of its Democracy Pioneers "
                        "for our work with young citizens. Through the programme we "
                        "shared what we had learned, worked on joint missions with other "
                        "pioneers and helped imagine what everyday democracy could look "
                        "like in future.</p>",
                    ),
                    (
                        "Tackling loneliness and backing local projects",
                        "<p>Our Community Plus model helps people who are isolated or "
                        "lonely find support and company close to home, and local "
                        "It's Up to You funds let communities decide how small sums are "
                        "spent in their area.</p>",
                    ),
                ],
                title="",
            ),
            quote(
                "I used to assume the decision had been made before anyone asked us. "
                "This time people kept coming back to tell us what had happened.",
                f"Example resident ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "Start with your own place",
                "Find out how to rate your place",
                page=pages[PLACE_STANDARD_SLUG],
                text="Tell us what works where you live and what could be better.",
            ),
        ],
    }


PRINCIPLES = [
    (
        "Starting from local identity",
        "Kirklees is a line on a map; people identify with their own town, village or "
        "neighbourhood. Engagement should grow outwards from communities rather than "
        "being handed down, because what suits one place will not suit another.",
    ),
    (
        "Citizens, not customers",
        "We want a relationship built on conversation and shared responsibility, not "
        "a transaction where the council supplies and residents consume.",
    ),
    (
        "Working things out together",
        "Asking people to choose between options we have already decided on does not "
        "build trust. Real involvement from the start helps people understand the "
        "choices and, where it makes sense, take things on themselves.",
    ),
    (
        "Councillors at the centre",
        "Elected councillors and direct participation should strengthen each other. "
        "Ward councillors should lead conversations in the places they represent, "
        "and should never find out afterwards that engagement happened in their ward.",
    ),
    (
        "Our staff are citizens too",
        "Many council staff live in Kirklees and are already active in their own "
        "communities. What they know is a strength we should use.",
    ),
    (
        "Staff as agents of change",
        "The people who work in neighbourhoods are the face of the council. Involving "
        "them in new ways of engaging changes how services are designed, with residents "
        "at the centre.",
    ),
    (
        "Using the networks that already exist",
        "Groups, forums and online communities are already doing good work without us. "
        "We should join them, support them, and help networks grow where there are none.",
    ),
    (
        "Reaching beyond the usual voices",
        "We need to hear from people who do not normally take part. That means mixing "
        "online and face-to-face methods, even when it takes more effort.",
    ),
    (
        "Insight that informs, not steers",
        "The information we hold should open up a conversation, not lead it to a "
        "conclusion chosen in advance, and engagement should deepen our understanding "
        "of what matters to each community.",
    ),
    (
        "Working in plain sight",
        "Trust comes from openness: developing ideas alongside residents, learning as "
        "we go, and sharing the stories of what people are achieving.",
    ),
]


def _growing_stronger(pages):
    return {
        "introduction": (
            "The Kirklees Democracy Commission looked at the relationship between "
            "residents and the council, and asked the council to make active "
            "citizenship a priority for everyone who works for it."
        ),
        "body": [
            heading("What the Commission found"),
            paragraph(
                "<p>The Commission, set up with members from across the political "
                "parties, studied how the relationship between people and their local "
                "council is changing, and how elected representatives and direct "
                "participation can work together rather than pull apart. Its report was "
                "called <em>Growing a stronger local democracy, from the ground up</em>.</p>"
                "<p>Two messages came through strongly. Local identity matters a great "
                "deal to people here. And people want an ongoing conversation about "
                "their place, not consultations that start and stop.</p>"
            ),
            heading("Active citizens"),
            paragraph(
                "<p>The Commission described an active citizen as someone who chooses "
                "to play a part in the life of their community, whether by helping a "
                "neighbour, improving a street or speaking up about a local decision. "
                "The outcome it set was that people should have a real stake in where "
                "they live and be able to influence its future.</p>"
                "<p>Councillors agreed to make active citizenship a shared priority for "
                "the whole council, and to use it as the starting point for a new, more "
                "equal relationship between residents and the council.</p>"
            ),
            heading("The principles behind our approach"),
            paragraph(
                "<p>A cross-party working group then turned the Commission's thinking "
                "into principles for how the council engages with people. They are "
                "summarised below.</p>"
            ),
            accordion(
                [(title, f"<p>{text}</p>") for title, text in PRINCIPLES],
                title="",
            ),
            quote(
                "Nobody had asked me before what I thought about the estate. Now I go "
                "to the meetings and I know our councillor by name.",
                f"Example resident ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "See the principles at work",
                "Read about place-based working",
                page=pages["place-based-working"],
            ),
        ],
    }


def _place_based_working(pages):
    return {
        "introduction": (
            "We are reshaping how the council works so that it starts from each local "
            "place and the relationships in it, and helps residents do things rather "
            "than only providing services to them."
        ),
        "body": [
            heading("Why place comes first"),
            paragraph(
                "<p>People rarely say they live in Kirklees: they live in Batley, in "
                "Marsden, in Fieldhead. Each of those places has its own character, "
                "strengths and worries, so no single approach will work everywhere. "
                "Working from place is one of the most important things to come out of "
                "the Democracy Commission, and it asks the council to change its "
                "culture, not just its processes.</p>"
            ),
            heading("What we are doing"),
            paragraph(
                "<ul>"
                "<li>Reviewing council policies and the way we give grants, using what "
                "the pandemic taught us about working locally.</li>"
                "<li>Running four Place-Based Working hubs where council staff, "
                "partners and ward councillors share what they know about an area and "
                "solve problems together, bringing services closer to people.</li>"
                "<li>Working with councillors and partners on ward or neighbourhood "
                "partnerships that bring local organisations together around shared "
                "ambitions, shaped to suit each area.</li>"
                "</ul>"
            ),
            accordion(
                [
                    (
                        "Will services be different from place to place?",
                        "<p>Sometimes, yes. The aim is that what the council does in "
                        "an area fits that area, rather than one standard offer for the "
                        "whole borough.</p>",
                    ),
                    (
                        "Who takes part in a hub?",
                        "<p>Council officers who work in the area, partners such as "
                        "health and voluntary organisations, and the ward councillors. "
                        "Residents' views reach the hubs through conversations like How "
                        "Good Is Our Place?</p>",
                    ),
                    (
                        "How do I get involved where I live?",
                        "<p>Start with your place's page on this site: it shows any "
                        "open conversations, your councillors and local groups.</p>",
                    ),
                ],
                title="Questions people ask",
            ),
            quote(
                "We stopped arriving with a plan and started by asking what people had "
                "already tried.",
                f"Example council officer ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "Tell us about your place",
                "Take part in How Good Is Our Place?",
                page=pages[PLACE_STANDARD_SLUG],
            ),
        ],
    }


THEMES = [
    "Moving around",
    "Public transport",
    "Traffic and parking",
    "Streets and spaces",
    "Natural space",
    "Play and recreation",
    "Facilities and amenities",
    "Work and local economy",
    "Housing and community",
    "Social contact",
    "Identity and belonging",
    "Feeling safe",
    "Care and maintenance",
    "Influence and sense of control",
]


def _place_standard(pages):
    theme_list = "".join(f"<li>{theme}</li>" for theme in THEMES)
    return {
        "introduction": (
            "How Good Is Our Place? is our name for conversations built on the Place "
            "Standard tool: a simple, well-tested way to talk about where you live, "
            "what works well and what could be better."
        ),
        "body": [
            heading("What the Place Standard is"),
            paragraph(
                "<p>The Place Standard tool was developed in Scotland and is free for "
                "anyone to use. It asks about 14 parts of life in a place. For each "
                "one you give a score from 1 (a lot of room for improvement) to 7 "
                "(very little room for improvement) and, if you like, a comment. The "
                "scores are drawn as a compass, so you can see at a glance where a "
                "place is strong and where it needs attention.</p>"
            ),
            heading("The 14 themes", "h3"),
            paragraph(f"<ol>{theme_list}</ol>"),
            heading("How we use it in Kirklees"),
            paragraph(
                "<p>We have held these conversations in places of every size, from a "
                "few streets up to Huddersfield town centre. Most are led by community "
                "groups, with councillors, partners and council staff alongside. As "
                "well as gathering views, they build relationships: in some places "
                "what people told us has already changed what the council does, and "
                "local groups have gone on to start projects of their own.</p>"
                "<p>You can take part online, on a paper form, over the phone, or in a "
                "group session where a facilitator records what the group agrees. Young "
                "people and children have versions written for them.</p>"
            ),
            accordion(
                [
                    (
                        "Do I have to give my name?",
                        "<p>No. Your answers are anonymous. We only ask for contact "
                        "details if you choose to hear back from us, and we keep them "
                        f"apart from your answers. See our "
                        f"{page_link(pages[PRIVACY_SLUG], 'privacy notice')}.</p>",
                    ),
                    (
                        "Can I skip a question?",
                        "<p>Yes. If you are not sure about a theme, choose "
                        "&ldquo;don&rsquo;t know&rdquo;. It will not count as a low "
                        "score.</p>",
                    ),
                    (
                        "What happens to my comments?",
                        "<p>A member of staff reads every comment. Before anything is "
                        "published we remove names of people and businesses and anything "
                        "that could identify someone.</p>",
                    ),
                    (
                        "Will I find out what happened?",
                        "<p>Yes. Each place's page shows the results once enough people "
                        "have taken part, along with what we heard and what happens "
                        "next.</p>",
                    ),
                ],
                title="Taking part",
            ),
            quote(
                "Scoring the park and the bus service side by side made us realise how "
                "much the walk to the shops mattered to older people on our street.",
                f"Example participant ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "About the tool",
                "Read about the Place Standard tool",
                url="https://www.ourplace.scot/",
                text="The Place Standard's own website explains where it came from.",
            ),
        ],
    }


def _new_citizenship(pages):
    return {
        "introduction": (
            "In 2019 we worked with the New Citizenship Project and with residents in "
            "two places, Fieldhead in Birstall and Ashbrow in north Huddersfield, to "
            "find better ways of improving local places together."
        ),
        "body": [
            heading("What we did"),
            paragraph(
                "<p>The New Citizenship Project is an organisation that helps public "
                "bodies treat people as citizens who take part, rather than as "
                "customers who receive. Together we spent time in Fieldhead and "
                "Ashbrow listening to residents about their neighbourhoods and what "
                "would help them play a bigger part in shaping them.</p>"
            ),
            heading("What happened next"),
            paragraph(
                "<p>What we learned was shared with the council's leadership and has "
                "shaped our work with residents in other places. We are now holding "
                "conversations across Kirklees, collecting residents' stories, and "
                "working with partners on a way to measure <strong>citizen "
                "confidence</strong>: whether people believe they can change "
                "things where they live. The council intends this to become one of "
                "its key strategic outcomes.</p>"
            ),
            accordion(
                [
                    (
                        "Why Ashbrow and Fieldhead?",
                        "<p>They are two quite different places, a whole ward in "
                        "Huddersfield and one neighbourhood in Birstall, which let us "
                        "test ideas at different scales.</p>",
                    ),
                    (
                        "What is citizen confidence?",
                        "<p>It is how far people believe they can make a difference to "
                        "the place where they live. We want to track it over time, "
                        "alongside surveys that can be compared with other areas.</p>",
                    ),
                    (
                        "Can I share a story from my place?",
                        "<p>Yes. Stories of people making a difference locally help "
                        "others see what is possible. Look for the story form on your "
                        "place's page.</p>",
                    ),
                ],
                title="More about the project",
            ),
            quote(
                "It was the first time someone from the council asked what we could do "
                "together, not what we wanted them to fix.",
                f"Example Fieldhead resident ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "Keep the conversation going",
                "Read our shared goal",
                page=pages["our-shared-goal"],
            ),
        ],
    }


def _mutual_aid(pages):
    return {
        "introduction": (
            "When the pandemic arrived in March 2020, neighbours, mutual aid groups "
            "and community organisations across Kirklees stepped up. We have worked "
            "closely with them ever since."
        ),
        "body": [
            heading("The community response in numbers"),
            paragraph(
                "<ul>"
                "<li>More than 1,400 people signed up with the council to help others, "
                "from collecting food and prescriptions to befriending calls and help "
                "getting online.</li>"
                "<li>Around 130 mutual aid groups formed quickly to look after their "
                "neighbours.</li>"
                "<li>Eight larger voluntary and community sector anchor organisations "
                "and four council-staffed Community Response Hubs worked alongside "
                "them, together with ward councillors.</li>"
                "</ul>"
            ),
            heading("What made the difference"),
            paragraph(
                "<p>Groups told us that being listened to mattered most. Partners met "
                "by video call, twice a week at first, and were honest with each other "
                "about what was and was not working. We learned to recognise when a "
                "community knew best and to step back.</p>"
                "<p>To keep everyone informed we started the <em>We Are With You</em> "
                "blog, a Facebook group and an email network, and built data "
                "dashboards and an online map of local assets so volunteers had the "
                "information they needed.</p>"
            ),
            heading("Councillors' ward budgets"),
            paragraph(
                "<p>Each ward's councillor project budget rose from £20,000 to £50,000, "
                "more than doubling. Councillors used it to support people directly, "
                "through food banks, meal deliveries and hardship help, and to fund "
                "activities that kept people well during lockdown.</p>"
            ),
            accordion(
                [
                    (
                        "What is mutual aid?",
                        "<p>Neighbours organising to help each other, usually without "
                        "any formal structure: a street group, a chat thread, a rota "
                        "for shopping.</p>",
                    ),
                    (
                        "What is a community anchor?",
                        "<p>An established local organisation that others trust, which "
                        "can connect small groups with the council and share resources "
                        "across an area.</p>",
                    ),
                    (
                        "What has changed since?",
                        "<p>Our relationship with voluntary sector partners has shifted "
                        "a long way. We have kept the network going and, with partners, "
                        "rewrote our shared values as "
                        f"{page_link(pages['working-alongside'], 'We are working alongside')}"
                        ".</p>",
                    ),
                ],
                title="Questions and answers",
            ),
            quote(
                "We started with a list of six names on a WhatsApp group. By the end of "
                "the month the whole street was looking out for each other.",
                f"Example mutual aid volunteer ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "Back a project near you",
                "Find local projects on Spacehive",
                url="https://www.spacehive.com/",
                text=(
                    "Growing Great Places helps local groups crowdfund projects that "
                    "matter to their community."
                ),
            ),
        ],
    }


def _democracy_friendly_schools(pages):
    return {
        "introduction": (
            "A programme that helps young people feel part of local democracy, get to "
            "know their councillors and run projects that make a difference where they "
            "live."
        ),
        "body": [
            paragraph(
                "<p>In 2019 our Young Commissioners, following the Democracy "
                "Commission's methods, gathered evidence from more than 1,700 young "
                "people and others for the report <em>Growing a stronger youth "
                "council</em>. Democracy Friendly Schools grew out of what they "
                "found.</p>"
            ),
            heading("What the programme offers"),
            paragraph(
                "<ul>"
                "<li>Training for students and staff in participating high schools.</li>"
                "<li>Chances for young people to meet their ward councillors and work "
                "with them on a project in their own area.</li>"
                "<li>Learning resources that people of any age can use.</li>"
                "</ul>"
            ),
            heading("Recognition"),
            paragraph(
                "<p>In 2020 this work led to Kirklees being named one of Nesta's "
                "Democracy Pioneers.</p>"
            ),
            quote(
                "Our councillor came to school and we planned the litter project "
                "together. It felt like our ideas counted.",
                f"Example Year 9 student ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "See the bigger picture",
                "Read about growing a stronger local democracy",
                page=pages["growing-a-stronger-local-democracy"],
            ),
        ],
    }


PRIORITIES = [
    (
        "Champion a place-based approach",
        "<p>Make working from place part of everything the council does, so that "
        "policies allow for local difference. This includes reviewing policies and "
        "grant funding after the pandemic, and building four Place-Based Working "
        "hubs where staff, partners and councillors share local knowledge "
        "(planned for 2021 to 2022).</p>",
    ),
    (
        "Reshape the relationship between the council and residents",
        "<p>Help young people take part in local democracy through Democracy "
        "Friendly Schools; design, with local organisations, tools for "
        "&ldquo;Shaped by People&rdquo; conversations that also measure progress "
        "towards the shared goal; and tell the stories of active citizens so staff "
        "and partners learn from them.</p>",
    ),
    (
        "Place Standard engagement and ward partnerships",
        "<p>Keep running How Good Is Our Place? conversations so residents can "
        "influence the future of their place, and work with councillors and "
        "partners on flexible ward or neighbourhood partnerships.</p>",
    ),
    (
        "Give tenants a stronger voice",
        "<p>Make sure tenants have a clear and effective role on the Housing Advisory "
        "Board, including five tenant board members and attention to groups such as "
        "young tenants.</p>",
    ),
    (
        "Put residents at the centre of access to services",
        "<p>Agree an Access to Services strategy and plan, tested through pilots, "
        "that reflects the changed relationship, and answer enquiries more "
        "quickly.</p>",
    ),
]


def _shared_goal(pages):
    return {
        "introduction": (
            "People from places across Kirklees wrote this goal together in workshops "
            "and online: that everyone can help improve the places where they live, "
            "work and spend their free time."
        ),
        "body": [
            paragraph(
                "<p>The goal is meant for everyone here: people young and old, families "
                "and streets, businesses, community groups and other organisations, and "
                "the council itself. We want people to know their "
                "communities well, to value what each of us can offer, to get help "
                "when they need it, and to feel respected, involved and heard.</p>"
            ),
            heading("The outcomes we are working towards"),
            paragraph(
                "<ul>"
                "<li>More people think getting involved is worth it, and feel moved to "
                "take part.</li>"
                "<li>More people feel confident about getting involved and know where "
                "to find support.</li>"
                "<li>More people feel included, respected and heard, and able to play "
                "their part.</li>"
                "<li>More people feel connected and know others in their community "
                "well.</li>"
                "</ul>"
            ),
            heading("Priorities for action"),
            accordion(PRIORITIES, title=""),
            heading("How we will track progress"),
            paragraph(
                "<p>We will measure progress with residents, using surveys that can be "
                "compared with the rest of the country as well as informal group "
                "conversations that anyone can host at any time.</p>"
                "<p>We know the goal is not yet shared by everyone. Not everyone has "
                "the same chance to get involved, some face real barriers, and "
                "different communities will sometimes want different things. We will "
                "keep reviewing how we measure progress so that it reflects the many "
                "different people who live here.</p>"
            ),
            quote(
                "If the goal is ours, we should be the ones checking whether it is working.",
                f"Example workshop participant ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "Play your part",
                "Find out how to rate your place",
                page=pages[PLACE_STANDARD_SLUG],
            ),
        ],
    }


VALUES = [
    (
        "We are coming from a different place",
        "Every place and every person is different, and the people closest to an "
        "issue usually know best what will work. We start where people are, in their "
        "lives, work and neighbourhoods, because that is where local ties are strongest.",
    ),
    (
        "We are learning by doing",
        "We act on people's ideas and try things out together, even when we cannot "
        "see where they will lead. We want fewer hoops and more chances to act, and "
        "we accept that we will sometimes get things wrong.",
    ),
    (
        "We are working on trust",
        "We take time to get to know each other and assume everyone wants the best "
        "outcome. Our relationships are strong enough to talk openly about how one "
        "organisation's choices affect another.",
    ),
    (
        "We are growing confidence",
        "We work out together who is in the best position to act. We step in when we "
        "can help and step back when we are not needed, and we give small ideas the "
        "time and room they need to grow.",
    ),
    (
        "We are taking courage from kindness",
        "We try to be kinder to each other, to collaborate rather than compete, and "
        "to focus on what people value, even when that means doing the less obvious "
        "thing. We want to hold on to the kindness we have shown each other.",
    ),
    (
        "We are sharing with each other",
        "We look for practical, imaginative ways to share time, skills and knowledge, "
        "because social connections matter to everyone's wellbeing, and we actively "
        "introduce people to each other.",
    ),
    (
        "We are listening with curiosity",
        "We are genuinely interested in what people think, especially those who are "
        "rarely heard. We arrive without a fixed view or a hidden agenda, and put "
        "residents' voices first.",
    ),
    (
        "We are open and honest",
        "We welcome new ideas, are straight with each other about what is possible, "
        "and talk about what did not go well so that it teaches us something.",
    ),
    (
        "We are involving others early",
        "Plans are shaped with other people from day one, not shown to them at the "
        "end. We agree together where we are starting from and keep talking as the "
        "work goes on.",
    ),
    (
        "We are recognising everyone",
        "Local democracy and civic life should be open to all, and people should see "
        "that joining in makes a difference. We value every contribution, know it "
        "is harder for some people to get involved, and will find ways to include them.",
    ),
]


def _working_alongside(pages):
    return {
        "introduction": (
            "A set of shared values written with our voluntary and community sector "
            "partners. We use it to test how open we really are, and how far we "
            "genuinely share decisions."
        ),
        "body": [
            paragraph(
                "<p>When we revisited our Voluntary Sector Strategy with partners, we "
                "agreed a statement of the values we want to hold in common. It "
                "describes how the council, partners and "
                "residents work with and alongside each other in local places, and "
                "we are using it to change our working culture.</p>"
            ),
            heading("Our ten values"),
            accordion([(title, f"<p>{text}</p>") for title, text in VALUES], title=""),
            heading("What comes next"),
            paragraph(
                "<p>With voluntary sector and health partners we are adding practical "
                "examples of working alongside, stories that show what is possible, and "
                "a clear statement of the difference this approach should make. We will "
                "keep adding to them over time.</p>"
            ),
            quote(
                "The values gave us a shared language. When a meeting drifts back to "
                "the old way of doing things, someone usually notices.",
                f"Example voluntary sector partner ({ILLUSTRATIVE})",
            ),
            call_to_action(
                "See working alongside in action",
                "Read about mutual aid and community anchors",
                page=pages["mutual-aid-and-community-anchors"],
            ),
        ],
    }


# Accessibility statement and privacy notice ------------------------------------------


def _accessibility(pages):
    return {
        "introduction": (
            "We want as many people as possible to be able to use Our Places. This "
            "statement explains how accessible the site is, what to do if you have a "
            "problem, and how to ask for information in another format."
        ),
        "body": [
            heading("Using this website"),
            paragraph(
                "<p>We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 "
                "at level AA. You should be able to:</p>"
                "<ul>"
                "<li>zoom in up to 400% without text spilling off the screen</li>"
                "<li>use the whole site, including every form, with just a keyboard</li>"
                "<li>use the site with a screen reader or speech recognition "
                "software</li>"
                "<li>use every feature without JavaScript</li>"
                "<li>change colours and fonts using your browser or device settings</li>"
                "</ul>"
                "<p>We write in plain English, and every form tells you clearly what "
                "went wrong and keeps what you typed. You can also take part in "
                "engagement activities on paper, by phone or in a group.</p>"
            ),
            heading("Known limitations"),
            paragraph(
                "<ul>"
                "<li>Some older documents, especially PDFs, may not work well with "
                "assistive technology. Ask us for another format.</li>"
                "<li>Videos and maps from other websites may not meet the same "
                "standard. We give a link to open them on their own site and try to "
                "describe their content in text.</li>"
                "</ul>"
            ),
            heading("Reporting a problem or asking for another format"),
            paragraph(
                "<p>If you find a problem, or need information in large print, easy "
                "read, audio or another language, email "
                f"{EXAMPLE_EMAIL} or phone {EXAMPLE_PHONE} {EXAMPLE_NOTE}. Tell us the "
                "address of the page and what went wrong. We aim to reply within 10 "
                "working days.</p>"
            ),
            accordion(
                [
                    (
                        "Enforcement procedure",
                        "<p>The Equality and Human Rights Commission (EHRC) enforces "
                        "the Public Sector Bodies (Websites and Mobile Applications) "
                        "(No. 2) Accessibility Regulations 2018. If you are not happy "
                        "with how we respond to your complaint, contact the "
                        '<a href="https://www.equalityadvisoryservice.com/">Equality '
                        "Advisory and Support Service (EASS)</a>.</p>",
                    ),
                    (
                        "How we test this website",
                        "<p>Every public page is checked in a real browser with "
                        "automated accessibility tests for WCAG 2.2 A and AA, and its "
                        "HTML is validated. We also test with a keyboard and a screen "
                        "reader before releasing new features.</p>",
                    ),
                    (
                        "About this statement",
                        "<p>This is demo content. A council using Our Places should "
                        "carry out its own audit and update this statement with its "
                        "results, the date it was prepared and its own contact "
                        "details.</p>",
                    ),
                ],
                title="Technical information",
            ),
            call_to_action(
                "Your personal information",
                "Read our privacy notice",
                page=pages[PRIVACY_SLUG],
            ),
        ],
    }


def _privacy(pages):
    return {
        "introduction": (
            "This notice explains what personal information Our Places collects, why "
            "we need it, how long we keep it and what your rights are. We collect as "
            "little as we can."
        ),
        "body": [
            heading("Who is responsible for your information"),
            paragraph(
                "<p>Kirklees Council is the data controller for information collected "
                "through this site. You can contact our Data Protection Officer at "
                f"dpo@example.org {EXAMPLE_NOTE}.</p>"
            ),
            heading("What we collect and why"),
            accordion(
                [
                    (
                        "Rating your place (How Good Is Our Place?)",
                        "<p>Your scores and comments are <strong>anonymous</strong>. "
                        "We record which place and round they are for and how you took "
                        "part (online, paper, phone or group), but not who you are. "
                        "Comments are checked, and names of people and businesses "
                        "removed, before any are published.</p>"
                        "<p>Only if you tick the box to hear back do we ask for your "
                        "name and email address. We store them separately from your "
                        "answers, with a record of your consent, and only staff who "
                        "need them can see them.</p>",
                    ),
                    (
                        "Sharing a story",
                        "<p>We ask for your name and email so we can check details "
                        "with you. A story is published only after an editor has "
                        "reviewed it, and your name appears only if you say it can.</p>",
                    ),
                    (
                        "Email updates",
                        "<p>If you sign up for updates about a place, we keep your "
                        "email address and the places you chose. Every email has a "
                        "link to unsubscribe.</p>",
                    ),
                    (
                        "Page feedback",
                        "<p>If you tell us whether a page was useful, we keep your "
                        "answer and comment but do not ask who you are. Please do not "
                        "include personal details.</p>",
                    ),
                    (
                        "Cookies and server logs",
                        "<p>We set only the cookies the site needs to work, such as "
                        "one that protects forms from misuse. We do not use advertising "
                        "or tracking cookies. Our servers record technical details such "
                        "as IP addresses to keep the site secure.</p>",
                    ),
                ],
                title="",
            ),
            heading("Our lawful basis"),
            paragraph(
                "<p>Most of what we do here is part of the council's public task of "
                "engaging residents in local decisions. Where we ask for contact "
                "details so we can follow up or send you updates, we rely on your "
                "consent, which you can withdraw at any time.</p>"
            ),
            heading("How long we keep it"),
            paragraph(
                "<ul>"
                "<li>Anonymous scores and published comments: kept as part of the "
                "public results for each place.</li>"
                "<li>Contact details for follow-up: deleted 12 months after the "
                "engagement closes, or sooner if you ask.</li>"
                "<li>Email update subscriptions: until you unsubscribe.</li>"
                "<li>Unpublished story submissions: deleted after 12 months.</li>"
                "<li>Server logs: deleted after 30 days.</li>"
                "</ul>"
            ),
            heading("Your rights"),
            paragraph(
                "<p>You can ask to see the information we hold about you, to have it "
                "corrected or deleted, or to object to how we use it. Contact us at "
                f"{EXAMPLE_EMAIL} {EXAMPLE_NOTE}. If you are unhappy with how we have "
                'handled your information, you can complain to the <a href="https://'
                'ico.org.uk/">Information Commissioner&rsquo;s Office</a>.</p>'
            ),
            paragraph(
                "<p><strong>About this notice:</strong> the contact details and "
                "retention periods here are examples for the demo site. A council "
                "using Our Places should replace them with its own.</p>"
            ),
            call_to_action(
                "Accessibility",
                "Read our accessibility statement",
                page=pages[ACCESSIBILITY_SLUG],
            ),
        ],
    }


#: (parent slug or None for the home page, slug, title, content function).
#: Parents come before their children.
STANDARD_PAGES = [
    (None, LOCAL_DEMOCRACY_SLUG, "Local democracy", _local_democracy),
    (
        LOCAL_DEMOCRACY_SLUG,
        "growing-a-stronger-local-democracy",
        "Growing a stronger local democracy",
        _growing_stronger,
    ),
    (LOCAL_DEMOCRACY_SLUG, "place-based-working", "Place-based working", _place_based_working),
    (LOCAL_DEMOCRACY_SLUG, PLACE_STANDARD_SLUG, "How Good Is Our Place?", _place_standard),
    (
        LOCAL_DEMOCRACY_SLUG,
        NEW_CITIZENSHIP_SLUG,
        "New Citizenship Project in Ashbrow and Fieldhead",
        _new_citizenship,
    ),
    (
        LOCAL_DEMOCRACY_SLUG,
        "mutual-aid-and-community-anchors",
        "Mutual aid and community anchors",
        _mutual_aid,
    ),
    (
        LOCAL_DEMOCRACY_SLUG,
        "democracy-friendly-schools",
        "Democracy Friendly Schools",
        _democracy_friendly_schools,
    ),
    (LOCAL_DEMOCRACY_SLUG, "our-shared-goal", "Our shared goal", _shared_goal),
    (LOCAL_DEMOCRACY_SLUG, "working-alongside", "We are working alongside", _working_alongside),
    (None, ACCESSIBILITY_SLUG, "Accessibility statement", _accessibility),
    (None, PRIVACY_SLUG, "Privacy notice", _privacy),
]


# Loader ----------------------------------------------------------------------------


def _welcome_page():
    """Wagtail's placeholder page from `wagtail start`, if it is still there."""
    return (
        Page.objects.filter(depth=2, content_type=ContentType.objects.get_for_model(Page))
        .filter(title=WELCOME_TITLE)
        .first()
    )


def _ensure_home_page(step):
    root = Page.get_first_root_node()
    site = default_site()
    welcome = _welcome_page()
    notes = []
    home = HomePage.objects.first()
    created = False
    if home is None:
        if welcome is not None and not welcome.get_children().exists():
            if site is not None and site.root_page_id == welcome.pk:
                # A Site needs a root page; park it on the tree root while the
                # welcome page (whose slug we want) goes.
                site.root_page = root
                site.save()
            welcome.delete()
            welcome = None
            notes.append("removed Wagtail's welcome page")
        slug = (
            HOME_SLUG if not root.get_children().filter(slug=HOME_SLUG).exists() else "our-places"
        )
        home = HomePage(
            title=SITE_NAME,
            slug=slug,
            hero_intro=HERO_INTRO,
            ways_heading="Five ways to be an active citizen",
            ways_intro=WAYS_INTRO,
            live=False,
        )
        root.add_child(instance=home)
        created = True
        notes.insert(0, f"created '{home.title}'")
    else:
        notes.insert(0, f"'{home.title}' already in place")

    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=SITE_NAME,
        )
        notes.append("created the default site")
    elif site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or SITE_NAME
        site.save()
        notes.append("pointed the default site at it")

    if welcome is not None and not welcome.get_children().exists():
        welcome.delete()
        notes.append("removed Wagtail's welcome page")
    elif welcome is not None:
        notes.append("kept Wagtail's welcome page because it has child pages")
    step("Home page: " + "; ".join(notes))
    return home, created


def _ensure_standard_pages(home, step):
    pages, created = {}, []
    for parent_slug, slug, title, _content in STANDARD_PAGES:
        parent = home if parent_slug is None else pages[parent_slug]
        page, is_new = ensure_draft(
            parent,
            StandardPage,
            slug,
            title=title,
            body=DRAFT_BODY,
            # Top-level pages belong in the menus (wagtailmenus hides the rest).
            show_in_menus=parent_slug is None,
        )
        pages[slug] = page
        if is_new:
            created.append(page)
    # Second pass: content can now link to any page, whichever came first.
    contents = {slug: content for _parent, slug, _title, content in STANDARD_PAGES}
    for page in created:
        for field, value in contents[page.slug](pages).items():
            setattr(page, field, value)
        publish(page)
    step(
        f"Local democracy, accessibility and privacy pages: {len(created)} created, "
        f"{len(STANDARD_PAGES) - len(created)} already there"
    )
    return pages, {page.slug for page in created}


def _finish_home_page(home, created, pages, step):
    """Fill what the home page is missing, and publish it if anything changed."""
    if not created and home.has_unpublished_changes:
        step("Home page has unpublished changes by an editor; left as it is")
        return
    changed = created
    if not home.ways:
        home.ways = _ways(pages)
        changed = True
    if not home.body:
        home.body = _home_body(pages)
        changed = True
    if home.hero_image_id is None:
        image, image_created = ensure_hero_image()
        if created or image_created:
            home.hero_image = image
            changed = True
    if changed:
        publish(home)
        step("Home page: content filled in and published")
    else:
        step("Home page content: nothing missing")


def _ensure_settings(site, pages, step):
    settings = OrganisationSettings.for_site(site)
    defaults = {
        "email": EXAMPLE_EMAIL,
        "phone": EXAMPLE_PHONE,
        "address": (
            "Our Places team (example address)\nHuddersfield Town Hall\nRamsden Street\n"
            "Huddersfield"
        ),
    }
    changed = []
    if settings.organisation_name in (
        "",
        OrganisationSettings._meta.get_field("organisation_name").default,
    ):
        settings.organisation_name = "Kirklees Council"
        changed.append("organisation_name")
    for field, value in defaults.items():
        if not getattr(settings, field):
            setattr(settings, field, value)
            changed.append(field)
    if not settings.social_links:
        settings.social_links = [
            {
                "type": "link",
                "value": {"name": name, "url": url},
            }
            for name, url in [
                ("Facebook (example link)", "https://www.example.org/social/facebook"),
                ("YouTube (example link)", "https://www.example.org/social/youtube"),
            ]
        ]
        changed.append("social_links")
    for field, slug in [
        ("accessibility_statement", ACCESSIBILITY_SLUG),
        ("privacy_notice", PRIVACY_SLUG),
    ]:
        if getattr(settings, f"{field}_id") is None and slug in pages:
            setattr(settings, field, pages[slug])
            changed.append(field)
    if changed:
        settings.save()
        step(f"Organisation settings: filled in {', '.join(changed)}")
    else:
        step("Organisation settings: nothing missing")


def _ensure_menus(site, pages, created_slugs, step):
    notes = []
    local_democracy = pages[LOCAL_DEMOCRACY_SLUG]
    if LOCAL_DEMOCRACY_SLUG in created_slugs and ensure_main_menu_item(local_democracy):
        notes.append("added Local democracy to the main menu")

    footer = FlatMenu.objects.filter(site=site, handle=FOOTER_MENU_HANDLE).first()
    if footer is None:
        footer = FlatMenu.objects.create(site=site, handle=FOOTER_MENU_HANDLE, title="Footer")
        # The accessibility statement and privacy notice come from the
        # organisation settings in their own footer column; the menu adds
        # what people look for next.
        footer_slugs = [LOCAL_DEMOCRACY_SLUG, PLACE_STANDARD_SLUG, NEW_CITIZENSHIP_SLUG]
        for index, slug in enumerate(footer_slugs):
            FlatMenuItem.objects.create(menu=footer, link_page=pages[slug], sort_order=index)
        notes.append("created the footer menu")
    step("Menus: " + ("; ".join(notes) if notes else "nothing missing"))


def load(step):
    home, created = _ensure_home_page(step)
    pages, created_slugs = _ensure_standard_pages(home, step)
    _finish_home_page(home, created, pages, step)
    site = default_site()
    _ensure_settings(site, pages, step)
    _ensure_menus(site, pages, created_slugs, step)
