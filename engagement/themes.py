"""The 14 Place Standard themes, fixed in code, and the wordings they are asked in.

A theme's key is what every stored score points at, so keys never change once
data exists. The words people see (names, questions, the ends of the scale)
belong to a tool version: a new wording (a young people's version, a local
plain-language rewording) is a new entry in `TOOL_VERSIONS`, and every
response records the version it was given with. Stored data never needs to
change when a wording is added.
"""

from dataclasses import dataclass

#: The official order of the themes: the compass draws them in this order.
THEME_KEYS = (
    "moving_around",
    "public_transport",
    "traffic_parking",
    "streets_spaces",
    "natural_space",
    "play_recreation",
    "facilities_amenities",
    "work_economy",
    "housing_community",
    "social_contact",
    "identity_belonging",
    "feeling_safe",
    "care_maintenance",
    "influence_control",
)

SCORE_MIN = 1
SCORE_MAX = 7


@dataclass(frozen=True)
class Theme:
    key: str
    number: int
    name: str
    question: str


@dataclass(frozen=True)
class ToolVersion:
    key: str
    label: str
    low_label: str
    high_label: str
    #: theme key -> (name, question)
    wording: dict

    @property
    def themes(self) -> list[Theme]:
        return [
            Theme(key, number, *self.wording[key]) for number, key in enumerate(THEME_KEYS, start=1)
        ]

    def theme(self, key: str) -> Theme:
        return next(theme for theme in self.themes if theme.key == key)


STANDARD_2015 = ToolVersion(
    key="standard-2015",
    label="Place Standard (2015)",
    low_label="a lot of room for improvement",
    high_label="very little room for improvement",
    wording={
        "moving_around": (
            "Moving around",
            "Can I easily walk and cycle around using good-quality routes?",
        ),
        "public_transport": ("Public transport", "Does public transport meet my needs?"),
        "traffic_parking": (
            "Traffic and parking",
            "Do traffic and parking arrangements allow people to move around safely and "
            "meet the community's needs?",
        ),
        "streets_spaces": (
            "Streets and spaces",
            "Do buildings, streets and public spaces create an attractive place that is "
            "easy to get around?",
        ),
        "natural_space": (
            "Natural space",
            "Can I regularly experience good-quality natural space?",
        ),
        "play_recreation": (
            "Play and recreation",
            "Can I access a range of spaces with opportunities for play and recreation?",
        ),
        "facilities_amenities": (
            "Facilities and amenities",
            "Do facilities and amenities meet my needs?",
        ),
        "work_economy": (
            "Work and local economy",
            "Is there an active local economy and the opportunity to access good-quality work?",
        ),
        "housing_community": (
            "Housing and community",
            "Do the homes in my area support the needs of the community?",
        ),
        "social_contact": (
            "Social contact",
            "Is there a range of spaces and opportunities to meet people?",
        ),
        "identity_belonging": (
            "Identity and belonging",
            "Does this place have a positive identity and do I feel I belong?",
        ),
        "feeling_safe": ("Feeling safe", "Do I feel safe here?"),
        "care_maintenance": ("Care and maintenance", "Are buildings and spaces well cared for?"),
        "influence_control": (
            "Influence and sense of control",
            "Do I feel able to take part in decisions and help change things for the better?",
        ),
    },
)

# Our own plain-words version for young people aged 12 and over: same themes,
# same 1 to 7 scale, so its scores sit with the standard version's.
YOUNG_PEOPLE = ToolVersion(
    key="young-people",
    label="Young people (12 and over)",
    low_label="needs to get a lot better",
    high_label="is really good already",
    wording={
        "moving_around": ("Moving around", "Is it easy to walk and cycle around here?"),
        "public_transport": ("Public transport", "Can I get buses and trains where I need to go?"),
        "traffic_parking": (
            "Traffic and parking",
            "Do cars and parking let people get about safely?",
        ),
        "streets_spaces": ("Streets and spaces", "Are the streets and buildings nice to be in?"),
        "natural_space": ("Natural space", "Can I get to parks, green spaces or water often?"),
        "play_recreation": (
            "Play and hanging out",
            "Are there good places to play, do sport or hang out?",
        ),
        "facilities_amenities": ("Facilities", "Are there the shops, services and places I need?"),
        "work_economy": (
            "Work and local economy",
            "Are there good jobs and chances to learn here?",
        ),
        "housing_community": ("Housing", "Do the homes here suit the people who live in them?"),
        "social_contact": ("Social contact", "Are there places and chances to meet people?"),
        "identity_belonging": ("Identity and belonging", "Do I feel I belong here?"),
        "feeling_safe": ("Feeling safe", "Do I feel safe here?"),
        "care_maintenance": ("Care and maintenance", "Are buildings and spaces looked after?"),
        "influence_control": ("Having a say", "Do I get a say in what happens here?"),
    },
)

TOOL_VERSIONS = {version.key: version for version in (STANDARD_2015, YOUNG_PEOPLE)}
DEFAULT_TOOL_VERSION = STANDARD_2015.key
TOOL_VERSION_CHOICES = [(version.key, version.label) for version in TOOL_VERSIONS.values()]
THEME_CHOICES = [(theme.key, theme.name) for theme in STANDARD_2015.themes]


def get_tool_version(key: str) -> ToolVersion:
    """The wording for `key`; an unknown key (a removed wording) falls back to the standard."""
    return TOOL_VERSIONS.get(key, STANDARD_2015)


def theme_name(key: str) -> str:
    return STANDARD_2015.theme(key).name
