"""Public forms on councillor pages: find your councillor, and contact one."""

from django import forms

from councillor_pages.postcodes import is_valid_postcode, normalise_postcode
from home.forms import GovukFormMixin


class PostcodeForm(GovukFormMixin, forms.Form):
    postcode = forms.CharField(
        label="Postcode",
        max_length=16,
        help_text="For example, HD1 2AB",
        error_messages={"required": "Enter a postcode, like HD1 2AB"},
        widget=forms.TextInput(
            attrs={
                "class": "input input--width-10",
                "autocomplete": "postal-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not is_valid_postcode(postcode):
            raise forms.ValidationError("Enter a real postcode, like HD1 2AB", code="malformed")
        return postcode


class ContactCouncillorForm(GovukFormMixin, forms.Form):
    """What a citizen sends a councillor. Nothing from it is stored: it is emailed."""

    name = forms.CharField(
        label="Your name",
        max_length=120,
        error_messages={"required": "Enter your name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The councillor will reply to this address.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label="Your message",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Do not include sensitive personal information, such as health details.",
        error_messages={
            "required": "Enter your message",
            "max_length": "Your message must be 3,000 characters or fewer",
        },
    )
    consent = forms.BooleanField(
        label="I agree that my name, email address and message are sent to this councillor",
        help_text="We need your agreement to pass your name and email address to the "
        "councillor so they can reply.",
        error_messages={
            "required": "Confirm that we can send your details to the councillor",
        },
    )
    # A field people never see or fill; automated form fillers often do.
    website = forms.CharField(required=False, label="Leave this field empty")

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def is_probably_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
