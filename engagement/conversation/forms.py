"""Public forms: a story, an alert sign-up, "Was this page helpful?".

Errors follow the GOV.UK pattern through the project's one form layer
(home/forms.py): a message beside the field, linked from an error summary at the top.
"""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from taggit.models import Tag

from engagement.conversation.alerts import ALERT_CONSENT_WORDING
from engagement.conversation.models import WAY_HINTS, ActiveCitizenWay, story_topics
from engagement.conversation.stories import STORY_MAX_CHARACTERS, photo_max_bytes
from engagement.conversation.story_photos import check_pixel_count, max_pixels
from home.forms import GovukFormMixin
from home.text import IdField, IdModelChoiceField
from places.models import PlacePage

PHOTO_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


class StoryPhotoField(forms.ImageField):
    """An image field that refuses too many pixels from the header, before decoding."""

    def to_python(self, data):
        if data not in self.empty_values:
            check_pixel_count(data)
        return super().to_python(data)


def live_places():
    return PlacePage.objects.live().public().order_by("title")


class StorySubmissionForm(GovukFormMixin, forms.Form):
    choice_hints = {"way": WAY_HINTS}

    title = forms.CharField(
        label="Give your story a title",
        max_length=120,
        error_messages={
            "required": "Enter a title for your story",
            "max_length": "The title must be 120 characters or fewer",
        },
    )
    place = IdModelChoiceField(
        queryset=PlacePage.objects.none(),
        label="Which place is your story about?",
        empty_label="Choose a place",
        error_messages={
            "required": "Choose the place your story is about",
            "invalid_choice": "Choose the place your story is about",
        },
    )
    way = forms.ChoiceField(
        label="Which way of being an active citizen does it show?",
        choices=ActiveCitizenWay.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the way of being an active citizen your story shows",
            "invalid_choice": "Choose the way of being an active citizen your story shows",
        },
    )
    summary = forms.CharField(
        label="Your story in a sentence or two",
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter your story in a sentence or two",
            "max_length": "The short version must be 400 characters or fewer",
        },
    )
    story = forms.CharField(
        label="Your story",
        max_length=STORY_MAX_CHARACTERS,
        help_text="What happened, who took part and what difference it made. "
        "Do not include other people's names or details without their agreement.",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": "Enter your story",
            "max_length": f"Your story must be {STORY_MAX_CHARACTERS:,} characters or fewer",
        },
    )
    photo = StoryPhotoField(
        label="A photo (optional)",
        required=False,
        help_text="A JPEG or PNG file, up to 5 MB. Only send a photo you took or may share, "
        "and check that the people in it are happy for it to be published.",
        error_messages={
            "invalid_image": "The photo must be a JPEG or PNG image",
            "invalid": "The photo must be a JPEG or PNG image",
        },
    )
    photo_alt = forms.CharField(
        label="Describe your photo (if you send one)",
        required=False,
        max_length=250,
        help_text="For people who cannot see it, for example: volunteers planting bulbs by "
        "the canal.",
        error_messages={"max_length": "The description must be 250 characters or fewer"},
    )
    name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=120,
        error_messages={"max_length": "Your name must be 120 characters or fewer"},
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        help_text="Only if you are happy for an editor to contact you about your story. "
        "It is never published.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    credit = forms.ChoiceField(
        label="How should we credit your story?",
        choices=[
            ("name", "Publish my name with my story"),
            ("anonymous", "Publish my story without my name"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to publish your name or stay anonymous",
            "invalid_choice": "Choose whether to publish your name or stay anonymous",
        },
    )
    publish_photo = forms.BooleanField(
        label="I agree that my photo can be published with my story",
        required=False,
    )

    field_order = [
        "title",
        "place",
        "way",
        "summary",
        "story",
        "photo",
        "photo_alt",
        "publish_photo",
        "name",
        "email",
        "credit",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = live_places()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        megabytes, megapixels = photo_max_bytes() // (1024 * 1024), max_pixels() / 1_000_000
        limits = f"{megabytes} MB and {megapixels:g} megapixels"
        photo = self.fields["photo"]
        photo.help_text = photo.help_text.replace("up to 5 MB", f"up to {limits}")
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
        self.fields["photo"].widget.attrs["class"] = "file-upload"

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        if Path(photo.name).suffix.lower() not in PHOTO_TYPES:
            raise ValidationError("The photo must be a JPEG or PNG image")
        image_format = getattr(getattr(photo, "image", None), "format", "")
        if image_format not in set(PHOTO_TYPES.values()):
            raise ValidationError("The photo must be a JPEG or PNG image")
        if photo.size > photo_max_bytes():
            raise ValidationError(
                f"The photo must be smaller than {photo_max_bytes() // (1024 * 1024)} MB"
            )
        return photo

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "summary", "story", "name", "photo_alt"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if cleaned.get("credit") == "name" and not cleaned.get("name"):
            self.add_error("name", "Enter your name, or choose to publish your story without it")
        if cleaned.get("photo"):
            if not cleaned.get("photo_alt"):
                self.add_error("photo_alt", "Describe your photo, or remove it")
            if not cleaned.get("publish_photo"):
                self.add_error(
                    "publish_photo",
                    "Tick the box to agree that your photo can be published, or remove it",
                )
        cleaned["publish_name"] = cleaned.get("credit") == "name"
        return cleaned


class AlertSignupForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    place = IdModelChoiceField(
        queryset=PlacePage.objects.none(),
        label="Which place?",
        empty_label="Choose a place",
        error_messages={
            "required": "Choose the place you want alerts about",
            "invalid_choice": "Choose the place you want alerts about",
        },
    )
    topic = IdModelChoiceField(
        queryset=Tag.objects.none(),
        label="Only about one topic? (optional)",
        required=False,
        empty_label="Every topic",
        error_messages={"invalid_choice": "Choose a topic from the list, or every topic"},
    )
    consent = forms.BooleanField(
        label=ALERT_CONSENT_WORDING,
        error_messages={"required": "Tick the box to agree to receive email alerts"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = live_places()
        self.fields["topic"].queryset = story_topics()
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class FeedbackForm(GovukFormMixin, forms.Form):
    inline_choices = ("helpful",)

    page = IdField(widget=forms.HiddenInput)
    helpful = forms.TypedChoiceField(
        label="Was this page helpful?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose yes or no",
            "invalid_choice": "Choose yes or no",
        },
    )
    comment = forms.CharField(
        label="How could we make this page better? (optional)",
        required=False,
        max_length=1000,
        help_text="Do not include personal details such as your name, address, email "
        "or phone number. We cannot reply to comments here.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Your comment must be 1000 characters or fewer"},
    )

    def clean_comment(self):
        return self.cleaned_data.get("comment", "").strip()
