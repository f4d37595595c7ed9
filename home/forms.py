"""The one GOV.UK-style form layer every public form uses.

`GovukFormRenderer` is the project's FORM_RENDERER (settings): Django's
TemplatesSetting, so widgets and fields render from the project's
templates, with `forms/field.html` as every field's template. A public form
mixes in `GovukFormMixin`, which styles widgets, points each input at its hint
and error (aria-describedby, aria-invalid) and lists the error summary's
links. The templates render one convention, GOV.UK's:

- a hint has the id `<field id>-hint`, an error message `<field id>-error`;
- aria-describedby lists the hint, then the error, on the input, or on the
  fieldset of a radio or checkbox group (whose legend is the label);
- the error summary (`forms/error_summary.html`) links each message to the
  field's id, or to the first input of a fieldset (`<field id>_0`).

Pages render each field with `{{ form.<name>.as_field_group }}` and include
`forms/error_summary.html` at the top (it also says when the view's rate
limit refused the post); nothing needs JavaScript. tests/integration/test_one_shape_forms.py
renders every public form with an error and compares their markup.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

from home.text import NormalisedInputMixin

#: Widgets rendered as a fieldset with a legend, one input per choice.
CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)
#: Widgets that carry no GOV.UK class of their own.
UNSTYLED_WIDGETS = (*CHOICE_WIDGETS, forms.CheckboxInput, forms.HiddenInput)
WIDGET_CLASSES = {
    forms.Textarea: "textarea",
    forms.Select: "select",
    forms.FileInput: "file-upload",
    forms.ClearableFileInput: "file-upload",
}


class GovukFormRenderer(TemplatesSetting):
    """Render forms and fields from the project's templates, fields through forms/field.html."""

    field_template_name = "forms/field.html"


def hint_id(bound_field) -> str:
    return f"{bound_field.auto_id}-hint"


def error_id(bound_field) -> str:
    return f"{bound_field.auto_id}-error"


def is_fieldset(bound_field) -> bool:
    return isinstance(bound_field.field.widget, CHOICE_WIDGETS)


class GovukFormMixin(NormalisedInputMixin):
    """Mix into every public form (before forms.Form / ModelForm / Wagtail's BaseForm).

    `choice_hints` maps a radio field to {value: hint}; `inline_choices` names
    radio groups laid out in a row. Fields a form adds after __init__ (the
    Place Standard themes) are styled too: styling happens when a field is
    first rendered or the form validated.
    """

    choice_hints: dict[str, dict] = {}
    inline_choices: tuple[str, ...] = ()

    def __getitem__(self, name):
        self._govuk_style()
        return super().__getitem__(name)

    def _govuk_style(self):
        if getattr(self, "_govuk_styled", None) is self.fields:
            return
        self._govuk_styled = self.fields
        for name, field in self.fields.items():
            field.choice_hints = self.choice_hints.get(name, {})
            field.inline = name in self.inline_choices
            widget = field.widget
            if not isinstance(widget, UNSTYLED_WIDGETS):
                widget.attrs.setdefault("class", WIDGET_CLASSES.get(type(widget), "input"))
            if isinstance(widget, (*CHOICE_WIDGETS, forms.HiddenInput)):
                continue
            bound = super().__getitem__(name)
            if field.help_text:
                widget.attrs["aria-describedby"] = hint_id(bound)
            else:
                widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        self._govuk_style()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, CHOICE_WIDGETS):
                continue  # the fieldset carries them, in forms/field.html
            bound = self[name]
            described = widget.attrs.get("aria-describedby", "").split()
            if error_id(bound) not in described:
                widget.attrs["aria-describedby"] = " ".join([*described, error_id(bound)])
            widget.attrs["aria-invalid"] = "true"
            css = widget.attrs.get("class", "")
            if css and "--error" not in css:
                widget.attrs["class"] = f"{css} {css.split()[0]}--error"

    def error_anchor(self, name) -> str:
        """The id the summary links to: the field, or the first input of its fieldset."""
        bound = self[name]
        return f"{bound.auto_id}_0" if is_fieldset(bound) else bound.auto_id

    def error_summary_items(self):
        """(anchor id or "", message) for the error summary: the form's own, then page order."""
        items = [("", error) for error in self.non_field_errors()]
        for name in self.fields:
            if name in self.errors:
                anchor = self.error_anchor(name)
                items.extend((anchor, error) for error in self.errors[name])
        return items
