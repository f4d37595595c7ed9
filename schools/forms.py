from django import forms

from home.forms import GovukFormMixin
from home.text import IdModelChoiceField
from places.models import Ward
from schools.models import CouncillorInvitation


class CouncillorInvitationForm(GovukFormMixin, forms.ModelForm):
    """Asks only what a councillor needs to reply and plan a visit."""

    ward = IdModelChoiceField(
        queryset=Ward.objects.order_by("name"),
        empty_label="Choose your school's ward",
        label="Which ward is your school in?",
        help_text="If you are not sure, choose the ward you think is closest.",
        error_messages={
            "required": "Choose the ward your school is in",
            "invalid_choice": "Choose the ward your school is in",
        },
    )

    class Meta:
        model = CouncillorInvitation
        fields = [
            "school_name",
            "ward",
            "contact_name",
            "contact_email",
            "message",
            "preferred_timing",
        ]
        labels = {
            "school_name": "Name of your school",
            "contact_name": "Your name",
            "contact_email": "Your email address",
            "message": "What would you like a councillor to do?",
            "preferred_timing": "When would suit you? (optional)",
        }
        help_texts = {
            "contact_email": "We only use this so the councillor can reply to you.",
            "message": (
                "For example: answer questions at an assembly, judge a debate, or help "
                "with a project about your local area. Do not include pupils' names."
            ),
            "preferred_timing": "For example: any Tuesday afternoon next term.",
        }
        error_messages = {
            "school_name": {
                "required": "Enter the name of your school",
                "max_length": "Name of your school must be 160 characters or fewer",
            },
            "contact_name": {
                "required": "Enter your name",
                "max_length": "Your name must be 120 characters or fewer",
            },
            "contact_email": {
                "required": "Enter your email address",
                "invalid": (
                    "Enter an email address in the correct format, like name@example.sch.uk"
                ),
            },
            "message": {
                "required": "Tell us what you would like a councillor to do",
                "max_length": "What you would like must be 2000 characters or fewer",
            },
            "preferred_timing": {
                "max_length": "When would suit you must be 200 characters or fewer",
            },
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "school_name": "organization",
            "contact_name": "name",
            "contact_email": "email",
        }
        for name, bound_field in self.fields.items():
            if name in autocomplete:
                bound_field.widget.attrs["autocomplete"] = autocomplete[name]
        self.fields["contact_email"].widget.attrs["spellcheck"] = "false"

    def clean(self):
        cleaned = super().clean()
        for name in ("school_name", "contact_name", "message", "preferred_timing"):
            value = cleaned.get(name)
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned
