"""Demo content: the programme page, an example resource library with real files, example schools.

Idempotent: pages are found by slug, documents by title in the library's
collection and schools by name, so running it again creates only what is
missing. Every resource, file and school is marked as an example.
"""

import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Site

from places.models import Ward
from schools.models import (
    KeyStage,
    LearningResourcePage,
    ResourceFile,
    ResourceIndexPage,
    School,
    SchoolPhase,
    SchoolsIndexPage,
    SchoolStatus,
)

PROGRAMME_SLUG = "democracy-friendly-schools"
LIBRARY_SLUG = "resources"
COLLECTION_NAME = "Learning resources (examples)"
EXAMPLE_NOTE = "This is an example resource made for the demonstration site."

PROGRAMME_BODY = [
    ("heading", "What the programme does"),
    (
        "paragraph",
        "<p>Democracy Friendly Schools helps young people see local democracy as something "
        "they are already part of, not something that starts when they turn eighteen. Schools "
        "that join get training for pupils and staff, time with their local councillors, and "
        "support to run a project that changes something in their own neighbourhood.</p>",
    ),
    ("heading", "Training for young people and staff"),
    (
        "paragraph",
        "<p>We run sessions in participating high schools for students and for the staff who "
        "support them: how decisions are made locally, what councillors do, and how young "
        "people can have a say. The lesson plans and activities in our resource library come "
        "out of those sessions, and any school can use them.</p>",
    ),
    ("heading", "Meeting your councillors"),
    (
        "paragraph",
        "<p>Many people, young and old, are not sure what a councillor does. The programme "
        "creates chances for young people to meet the councillors for their ward, ask them "
        "questions and work alongside them on something that matters locally.</p>",
    ),
    ("heading", "Projects in your local place"),
    (
        "paragraph",
        "<p>Young people plan and carry out their own projects and activities to influence "
        "what happens where they live, with councillors and community groups alongside them. "
        "What they learn is shared back so that citizens of every age can use it.</p>",
    ),
    ("heading", "Built on young people's own evidence"),
    (
        "paragraph",
        "<p>The programme grew out of the youth council's report, Growing a stronger youth "
        "council, which drew on more than 1,700 young citizens. Young Commissioners gathered "
        "that evidence, following the approach of the Democracy Commission. In 2020 the work "
        "with young citizens was recognised by Nesta as one of its Democracy Pioneers.</p>",
    ),
]

# (slug, title, type, key stages, minutes, topics, summary, objectives)
RESOURCES = [
    (
        "what-does-a-councillor-do",
        "What does a councillor do?",
        "lesson-plan",
        ["ks2", "ks3"],
        50,
        ["councillors", "local democracy"],
        "A lesson that follows a councillor's week to show how they represent their ward.",
        ["Describe three things a councillor does", "Explain what a ward is"],
    ),
    (
        "my-ward-my-councillors",
        "My ward, my councillors",
        "worksheet",
        ["ks2"],
        30,
        ["councillors", "your place"],
        "Pupils find their ward on a map and list who represents them.",
        ["Find your ward", "Name the councillors for your ward"],
    ),
    (
        "how-a-vote-works",
        "How a vote works",
        "activity",
        ["ks1", "ks2"],
        20,
        ["voting"],
        "A class vote with ballot papers and a count, to show how an election works.",
        ["Take part in a secret ballot", "Count votes fairly"],
    ),
    (
        "elections-explained",
        "Elections explained",
        "slides",
        ["ks3", "ks4"],
        45,
        ["voting", "local democracy"],
        "Slides on local and national elections, who can stand and who can vote.",
        ["Compare local and national elections", "Explain who can vote and at what age"],
    ),
    (
        "running-a-class-debate",
        "Running a class debate",
        "lesson-plan",
        ["ks3", "ks4", "ks5"],
        60,
        ["debating", "youth voice"],
        "A structured debate format with roles, timings and a marking grid.",
        ["Build an argument with evidence", "Respond to another point of view respectfully"],
    ),
    (
        "assembly-your-voice-counts",
        "Assembly: your voice counts",
        "assembly",
        ["ks2", "ks3"],
        15,
        ["youth voice"],
        "A short assembly script about the ways young people can be heard.",
        ["Recognise ways to have a say", "Name one change young people have made locally"],
    ),
    (
        "mapping-our-place",
        "Mapping our place",
        "activity",
        ["ks2", "ks3"],
        90,
        ["your place", "community"],
        "Pupils map what they value and what they would change in their neighbourhood.",
        ["Describe what makes a place good to live in", "Agree priorities as a group"],
    ),
    (
        "place-standard-for-young-people",
        "The Place Standard for young people",
        "worksheet",
        ["ks3", "ks4"],
        40,
        ["your place", "local democracy"],
        "A young people's version of the Place Standard questions to rate their area.",
        ["Rate a place against 14 themes", "Use evidence to explain a rating"],
    ),
    (
        "planning-a-campaign",
        "Planning a campaign",
        "lesson-plan",
        ["ks4", "ks5"],
        120,
        ["campaigning", "youth voice"],
        "Step by step planning for a local campaign, from the problem to the ask.",
        ["Define a clear campaign aim", "Identify who has the power to act"],
    ),
    (
        "writing-to-your-councillor",
        "Writing to your councillor",
        "worksheet",
        ["ks2", "ks3", "ks4"],
        30,
        ["councillors", "campaigning"],
        "A letter-writing frame for pupils raising a local issue with their councillor.",
        ["Write a clear, polite request", "Explain why an issue matters"],
    ),
    (
        "what-is-a-youth-council",
        "What is a youth council?",
        "video",
        ["ks3", "ks4"],
        10,
        ["youth voice", "local democracy"],
        "A short film script and discussion questions about how youth councils work.",
        ["Explain what a youth council does", "Discuss how members are chosen"],
    ),
    (
        "rights-and-responsibilities",
        "Rights and responsibilities",
        "lesson-plan",
        ["ks2", "ks3"],
        55,
        ["rights", "community"],
        "Exploring the rights young people have and the responsibilities that come with them.",
        ["Name rights children have", "Link rights to responsibilities"],
    ),
    (
        "how-decisions-are-made",
        "How local decisions are made",
        "slides",
        ["ks4", "ks5", "adult"],
        45,
        ["local democracy"],
        "Slides tracing a local decision from an idea to a council vote.",
        ["Describe the stages of a local decision", "Identify where citizens can influence it"],
    ),
    (
        "budget-challenge",
        "The budget challenge",
        "activity",
        ["ks4", "ks5", "adult"],
        75,
        ["local democracy", "community"],
        "Groups balance a pretend council budget and explain their choices.",
        ["Weigh competing priorities", "Justify a decision to others"],
    ),
    (
        "active-citizens-assembly",
        "Assembly: active citizens",
        "assembly",
        ["ks1", "ks2"],
        15,
        ["community", "youth voice"],
        "A short assembly about people who help their community and how pupils can too.",
        ["Recognise active citizens locally", "Think of one way to help"],
    ),
    (
        "school-council-elections",
        "School council elections",
        "lesson-plan",
        ["ks1", "ks2"],
        45,
        ["voting", "youth voice"],
        "Running fair school council elections with candidates, hustings and a ballot.",
        ["Take part in a fair election", "Explain what a representative does"],
    ),
    (
        "fact-or-opinion",
        "Fact or opinion?",
        "worksheet",
        ["ks3", "ks4", "ks5"],
        25,
        ["debating", "rights"],
        "Sorting statements about a local issue into facts, opinions and claims to check.",
        ["Tell a fact from an opinion", "Check a claim against a source"],
    ),
    (
        "questions-for-a-councillor",
        "Questions for a councillor visit",
        "activity",
        ["ks2", "ks3", "ks4"],
        30,
        ["councillors"],
        "Preparing good questions before a councillor visits your school.",
        ["Write open questions", "Listen and follow up"],
    ),
    (
        "democracy-through-time",
        "Democracy through time",
        "slides",
        ["ks3"],
        50,
        ["voting", "rights"],
        "How the right to vote has changed, from 1832 to votes at sixteen debates.",
        ["Describe key changes to who can vote", "Discuss whether the voting age should change"],
    ),
    (
        "community-action-project",
        "Community action project",
        "lesson-plan",
        ["ks3", "ks4", "ks5"],
        180,
        ["community", "your place", "campaigning"],
        "A half-term project plan for pupils to improve something in their area.",
        ["Plan a project with a timeline", "Work with a partner in the community"],
    ),
    (
        "talking-about-your-place",
        "Talking about your place",
        "video",
        ["ks2", "ks3", "adult"],
        12,
        ["your place"],
        "A film script of residents talking about their neighbourhood, with questions.",
        ["Listen to different views of a place", "Compare them with your own"],
    ),
    (
        "adult-learners-local-democracy",
        "Local democracy for adult learners",
        "lesson-plan",
        ["adult"],
        90,
        ["local democracy", "voting"],
        "A session for adult and community learning groups on registering and voting.",
        ["Register to vote", "Find your polling station and councillors"],
    ),
    (
        "consultation-responses",
        "Responding to a consultation",
        "worksheet",
        ["ks5", "adult"],
        40,
        ["campaigning", "local democracy"],
        "How to read a council consultation and write a response that counts.",
        ["Find the question being asked", "Write a focused response"],
    ),
    (
        "youth-voice-survey",
        "Running a youth voice survey",
        "activity",
        ["ks3", "ks4", "ks5"],
        60,
        ["youth voice", "your place"],
        "Designing and running a short survey of young people's views on their area.",
        ["Write fair survey questions", "Summarise results for decision makers"],
    ),
]

EXAMPLE_SCHOOLS = [
    (
        "Hillside Primary School (example)",
        SchoolPhase.PRIMARY,
        SchoolStatus.DEMOCRACY_FRIENDLY,
        datetime.date(2022, 3, 1),
    ),
    (
        "Riverside Academy (example)",
        SchoolPhase.SECONDARY,
        SchoolStatus.DEMOCRACY_FRIENDLY,
        datetime.date(2022, 6, 1),
    ),
    (
        "Moorland High School (example)",
        SchoolPhase.SECONDARY,
        SchoolStatus.TAKING_PART,
        datetime.date(2021, 11, 1),
    ),
    (
        "Valley View Junior School (example)",
        SchoolPhase.PRIMARY,
        SchoolStatus.TAKING_PART,
        datetime.date(2022, 1, 1),
    ),
    (
        "Mill Lane Sixth Form College (example)",
        SchoolPhase.COLLEGE,
        SchoolStatus.DEMOCRACY_FRIENDLY,
        datetime.date(2022, 5, 1),
    ),
    (
        "Oakwood Special School (example)",
        SchoolPhase.SPECIAL,
        SchoolStatus.TAKING_PART,
        datetime.date(2022, 2, 1),
    ),
    (
        "Canal Side Community School (example)",
        SchoolPhase.ALL_THROUGH,
        SchoolStatus.TAKING_PART,
        datetime.date(2021, 10, 1),
    ),
    (
        "Pennine Learning Centre (example)",
        SchoolPhase.ALTERNATIVE,
        SchoolStatus.TAKING_PART,
        datetime.date(2022, 4, 1),
    ),
]


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF written by hand: valid syntax with a correct cross-reference table."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text_ops = ["BT", "/F1 18 Tf", "72 770 Td", f"({escape(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text_ops += ["0 -20 Td", f"({escape(line)}) Tj"]
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(output)
    output += f"xref\n0 {len(objects) + 1}\n".encode()
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(output)


def resource_files(spec) -> list[tuple[str, str, bytes]]:
    """(title, filename, content) for a resource's example files."""
    slug, title, kind, _stages, minutes, topics, summary, objectives = spec
    lines = [
        "EXAMPLE RESOURCE - made for the Our Places demonstration site.",
        summary,
        f"Time needed: about {minutes} minutes.",
        "Learning objectives:",
        *[f"- {objective}" for objective in objectives],
    ]
    files = [(f"{title} (example, PDF)", f"{slug}.pdf", make_pdf(title, lines))]
    if kind in ("worksheet", "activity"):
        csv_rows = ["question,your answer", *[f'"{objective}",' for objective in objectives]]
        files.append(
            (
                f"{title}: answer sheet (example, CSV)",
                f"{slug}-answer-sheet.csv",
                ("\n".join(csv_rows) + "\n").encode(),
            )
        )
    if kind in ("video", "assembly", "slides"):
        script = "\n".join([f"{title} - script (EXAMPLE)", "", summary, "", *objectives]) + "\n"
        files.append((f"{title}: script (example, text)", f"{slug}-script.txt", script.encode()))
    return files


def body_blocks(items):
    blocks = []
    for kind, value in items:
        if kind == "heading":
            blocks.append(("heading", {"text": value, "level": "h2"}))
        else:
            blocks.append(("paragraph", value))
    return blocks


def load(step):
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        step("Schools: no default site yet, skipped")
        return
    home = site.root_page

    programme = SchoolsIndexPage.objects.child_of(home).filter(slug=PROGRAMME_SLUG).first()
    if programme is None:
        programme = SchoolsIndexPage(
            title="Democracy Friendly Schools",
            slug=PROGRAMME_SLUG,
            introduction=(
                "Helping young people take part in local democracy and civic life: training "
                "in schools, time with their councillors, and projects in their own place."
            ),
            body=body_blocks(PROGRAMME_BODY),
            contact_email="democracy.schools@example.org",
            show_in_menus=True,
        )
        home.add_child(instance=programme)
        programme.save_revision().publish()
        step("Schools: created the Democracy Friendly Schools programme page")
    else:
        step("Schools: the programme page is already there")

    collection = Collection.objects.filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=COLLECTION_NAME)

    library = ResourceIndexPage.objects.child_of(programme).filter(slug=LIBRARY_SLUG).first()
    if library is None:
        library = ResourceIndexPage(
            title="Learning resources",
            slug=LIBRARY_SLUG,
            introduction=(
                "Lesson plans, slides, activities and assemblies about local democracy, free to "
                "download. The resources here are examples made for this demonstration site."
            ),
            files_collection=collection,
        )
        programme.add_child(instance=library)
        library.save_revision().publish()
        step("Schools: created the learning resource library")

    stages = KeyStage.ensure_all()
    Document = get_document_model()
    created = 0
    for position, spec in enumerate(RESOURCES):
        slug, title, kind, stage_codes, minutes, topics, summary, objectives = spec
        if LearningResourcePage.objects.child_of(library).filter(slug=slug).exists():
            continue
        resource = LearningResourcePage(
            title=title,
            slug=slug,
            summary=f"{summary} {EXAMPLE_NOTE}",
            resource_type=kind,
            duration_minutes=minutes,
            learning_objectives="\n".join(objectives),
            curriculum_links=(
                "Citizenship: how local government works\nPSHE: living in the wider world"
            ),
            what_you_need="The files below, a board or screen, and paper and pens.",
            accessibility_notes=(
                "The files are short PDFs, CSV spreadsheets and plain text, which screen readers "
                "can read. Read questions aloud for pupils who find reading hard."
            ),
        )
        resource.key_stages = [stages[code] for code in stage_codes]
        library.add_child(instance=resource)
        resource.tags.add(*topics)
        for order, (doc_title, filename, content) in enumerate(resource_files(spec)):
            document = Document.objects.filter(title=doc_title, collection=collection).first()
            if document is None:
                document = Document(title=doc_title, collection=collection)
                document.file.save(filename, ContentFile(content), save=False)
                document._set_document_file_metadata()
                document.save()
            ResourceFile.objects.create(resource=resource, document=document, sort_order=order)
        resource.save_revision().publish()
        created += 1
        step(f"Schools: resource {position + 1} of {len(RESOURCES)}: {title}")
    if not created:
        step(f"Schools: all {len(RESOURCES)} example resources are already there")

    wards = list(Ward.objects.order_by("name")[: len(EXAMPLE_SCHOOLS)])
    if not wards:
        step("Schools: no wards yet, so no example schools")
    else:
        new_schools = 0
        for position, (name, phase, status, since) in enumerate(EXAMPLE_SCHOOLS):
            if School.objects.filter(name=name).exists():
                continue
            School.objects.create(
                name=name,
                ward=wards[position % len(wards)],
                phase=phase,
                status=status,
                status_date=since,
            )
            new_schools += 1
        step(f"Schools: {new_schools} example school(s) added")

    add_to_main_menu(site, programme)
    step("Schools: the programme is in the main menu")


def add_to_main_menu(site, page):
    from wagtailmenus.models import MainMenu, MainMenuItem

    menu = MainMenu.get_for_site(site)
    if not MainMenuItem.objects.filter(menu=menu, link_page=page).exists():
        last = MainMenuItem.objects.filter(menu=menu).order_by("-sort_order").first()
        MainMenuItem.objects.create(
            menu=menu, link_page=page, sort_order=(last.sort_order or 0) + 1 if last else 0
        )
