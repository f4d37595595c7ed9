"""The Place Standard form: the 14 themes, any extra questions, and "about you".

The same theme fields serve the public form and staff entry of paper, phone
and group responses, so both store exactly the same shape of data. Fields are
named after the theme keys (`moving_around`, `moving_around_comment`); editors'
extra questions are prefixed `extra_` so they can never collide with them.
"""

import re

from django import forms
from django.utils import timezone
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from engagement.models import (
    COMMENT_MAX_LENGTH,
    CONSENT_WORDINGS,
    CURRENT_CONSENT_VERSION,
    AgeBand,
    Channel,
    follow_up_retention_days,
)
from engagement.themes import SCORE_MAX, SCORE_MIN, TOOL_VERSION_CHOICES, get_tool_version
from home.forms import GovukFormMixin

SKIP = "skip"
EXTRA_PREFIX = "extra_"
HONEYPOT_FIELD = "website"
OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def comment_field_name(theme_key: str) -> str:
    return f"{theme_key}_comment"


class ScoreField(forms.ChoiceField):
    """A 1 to 7 score, or "I don't know / skip" (None: no score, never zero)."""

    widget = forms.RadioSelect

    def __init__(self, *, theme, tool, **kwargs):
        choices = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
        choices.append((SKIP, "I don't know / skip"))
        super().__init__(
            choices=choices,
            required=False,
            label=theme.question,
            error_messages={
                "invalid_choice": f"Choose a score from {SCORE_MIN} to {SCORE_MAX} for "
                f"{theme.name.lower()}, or choose ‘I don't know / skip’."
            },
            **kwargs,
        )
        self.help_text = f"1 is {tool.low_label}, 7 is {tool.high_label}."
        self.theme = theme
        self.tool = tool

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None, SKIP):
            return None
        return int(value)


class CommentField(forms.CharField):
    def __init__(self, *, theme, **kwargs):
        super().__init__(
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            label=f"Comments on {theme.name.lower()} (optional)",
            widget=forms.Textarea(attrs={"rows": 3, "class": "textarea"}),
            error_messages={
                "max_length": f"Your comment on {theme.name.lower()} must be "
                f"{COMMENT_MAX_LENGTH:,} characters or fewer. It has %(show_value)d."
            },
            **kwargs,
        )
        self.help_text = f"You can enter up to {COMMENT_MAX_LENGTH:,} characters."
        self.theme = theme

    def to_python(self, value):
        # Browsers count a line break as one character for maxlength but send
        # two (CR LF); normalise so the limit people see is the one we apply.
        value = super().to_python(value)
        return value.replace("\r\n", "\n")


def outward_code(value: str) -> str:
    """Validate and normalise the first half of a postcode ("hd1" -> "HD1")."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not compact:
        return ""
    if FULL_POSTCODE.match(compact):
        raise forms.ValidationError(
            "Enter only the first half of your postcode, for example HD1, not the whole postcode."
        )
    if not OUTWARD_CODE.match(compact):
        raise forms.ValidationError(
            "Enter the first half of a postcode, like HD1 or WF13, or leave it empty."
        )
    return compact


class ExtraFieldBuilder(FormBuilder):
    """Wagtail's form builder, with every field name prefixed `extra_`."""

    @property
    def formfields(self):
        return {EXTRA_PREFIX + name: field for name, field in super().formfields.items()}


class PlaceStandardFormBase(GovukFormMixin, BaseForm):
    """Theme questions plus "about you"; subclasses add the channel's own fields."""

    about_you_fields = ("age_band", "postcode_district")

    age_band = forms.ChoiceField(
        label="How old are you? (optional)",
        required=False,
        choices=[*AgeBand.choices, ("", "I'd rather not say")],
        widget=forms.RadioSelect,
    )
    postcode_district = forms.CharField(
        label="The first half of your postcode (optional)",
        help_text="For example HD1 or WF13. We only ask for the first half, so it cannot "
        "identify your home.",
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"class": "input input--width-10", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        tool_version = kwargs.pop("tool_version", None)
        super().__init__(*args, **kwargs)
        self.tool = get_tool_version(tool_version or self.page.tool_version)
        theme_fields = {}
        for theme in self.tool.themes:
            theme_fields[theme.key] = ScoreField(theme=theme, tool=self.tool)
            theme_fields[comment_field_name(theme.key)] = CommentField(theme=theme)
        # Themes first, then the editors' questions, then the rest, so the
        # error summary lists problems in the order of the page.
        extras = {k: v for k, v in self.fields.items() if k.startswith(EXTRA_PREFIX)}
        rest = {k: v for k, v in self.fields.items() if not k.startswith(EXTRA_PREFIX)}
        self.fields = {**theme_fields, **extras, **rest}

    def clean_postcode_district(self):
        return outward_code(self.cleaned_data.get("postcode_district", ""))

    def clean(self):
        cleaned_data = super().clean()
        theme_keys = [theme.key for theme in self.tool.themes]
        if not any(key in self.errors for key in theme_keys) and not any(
            cleaned_data.get(key) is not None for key in theme_keys
        ):
            self.add_error(
                theme_keys[0],
                "Rate at least one theme from 1 to 7. You can skip any theme you don't know about.",
            )
        return cleaned_data

    # Helpers for templates and for saving.

    def theme_rows(self):
        return [
            (theme, self[theme.key], self[comment_field_name(theme.key)])
            for theme in self.tool.themes
        ]

    def extra_bound_fields(self):
        return [self[name] for name in self.fields if name.startswith(EXTRA_PREFIX)]

    def about_you_bound_fields(self):
        return [self[name] for name in self.about_you_fields]

    def theme_answers(self):
        """(theme key, score or None, comment) for every theme with a score or a comment."""
        answers = []
        for theme in self.tool.themes:
            score = self.cleaned_data.get(theme.key)
            comment = self.cleaned_data.get(comment_field_name(theme.key), "")
            if score is not None or comment:
                answers.append((theme.key, score, comment))
        return answers

    def extra_answers(self):
        answers = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(EXTRA_PREFIX) and value not in (None, "", [], False):
                answers[name.removeprefix(EXTRA_PREFIX)] = value
        return answers


class PublicPlaceStandardForm(PlaceStandardFormBase):
    """What a citizen fills in online."""

    place = forms.IntegerField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    follow_up_email = forms.EmailField(
        label="Email address (optional)",
        help_text="Only if you want to hear what happens next. We keep it apart from your answers.",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com"
        },
        widget=forms.EmailInput(
            attrs={"class": "input", "autocomplete": "email", "spellcheck": "false"}
        ),
    )
    follow_up_consent = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_consent"].label = CONSENT_WORDINGS[CURRENT_CONSENT_VERSION].format(
            days=follow_up_retention_days()
        )

    def clean_place(self):
        place_id = self.cleaned_data.get("place")
        if place_id is not None and place_id != self.page.place_id:
            raise forms.ValidationError("wrong place")
        return place_id

    def clean(self):
        cleaned_data = super().clean()
        if "place" in self.errors:
            del self.errors["place"]
            place = self.page.place
            self.add_error(
                None,
                f"This form asks about {place.title if place else 'another place'}, but your "
                "answers were sent for a different place. Check the answers below are about "
                f"{place.title if place else 'this place'} and send them again.",
            )
        email = cleaned_data.get("follow_up_email")
        consent = cleaned_data.get("follow_up_consent")
        if email and not consent:
            self.add_error(
                "follow_up_consent",
                "Tick the box to agree that we may email you, or delete your email address.",
            )
        if consent and not email and "follow_up_email" not in self.errors:
            self.add_error(
                "follow_up_email",
                "Enter your email address, or untick the box if you don't want updates.",
            )
        return cleaned_data

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.is_bound and self.data.get(HONEYPOT_FIELD, "").strip())


class StaffEntryForm(PlaceStandardFormBase):
    """What an engagement officer types in from a paper form, a call or a group session."""

    about_you_fields = ("age_band", "postcode_district")

    channel = forms.ChoiceField(
        choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
        widget=forms.RadioSelect,
        label="How the response came in",
    )
    participants = forms.IntegerField(
        min_value=1,
        initial=1,
        label="Number of people",
        help_text="For a group session, how many took part in agreeing the scores. Otherwise 1.",
    )
    received_on = forms.DateField(
        required=False,
        label="Date received",
        help_text="Leave empty for today. Format: 2026-03-31.",
    )
    tool_version = forms.ChoiceField(
        choices=TOOL_VERSION_CHOICES, label="Wording on the paper form or script"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # How, when and by how many people first: that is the top of a paper form.
        first = ("channel", "participants", "received_on", "tool_version")
        self.fields = {
            **{name: self.fields[name] for name in first},
            **{k: v for k, v in self.fields.items() if k not in first},
        }

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("channel") != Channel.GROUP
            and (cleaned_data.get("participants") or 1) > 1
        ):
            self.add_error(
                "participants",
                "Only a group session can have more than 1 person. "
                "Choose 'Group session' or enter 1.",
            )
        received_on = cleaned_data.get("received_on")
        if received_on and received_on > timezone.localdate():
            self.add_error("received_on", "The date received cannot be in the future.")
        return cleaned_data


def _build(base, page):
    extras = ExtraFieldBuilder(page.get_form_fields()).formfields
    return type(f"{base.__name__}ForPage", (base,), dict(extras))


def build_public_form_class(page):
    return _build(PublicPlaceStandardForm, page)


def build_staff_form_class(page):
    return _build(StaffEntryForm, page)
