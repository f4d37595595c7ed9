"""Text and ids from the outside world, made safe before anything stores or sends them.

What a citizen types can hold anything a keyboard, a paste or a script can
produce: line breaks in a name (which break an email header), NUL (which
PostgreSQL refuses), right-to-left overrides that make "gpj.exe" read as
"exe.jpg", zero-width spaces that make two names look alike, decomposed
accents (so "Zoë" typed on two devices compares unequal). Every public form
takes its text through here:

- `single_line`: line breaks and tabs become one space, other control,
  bidirectional-override and invisible characters go, the text is
  NFC-normalised and trimmed. Apostrophes, accents, emoji and every script stay.
- `multi_line`: the same, but line breaks are kept (as "\\n").
- `NormalisedInputMixin`: a form mixin that applies the right one to every
  field's submitted value before validation, by its widget (a textarea is
  multi-line, anything else single-line), so what the form re-displays, stores
  and sends is the normalised text.
- `IdField` / `IdModelChoiceField`: ids that refuse a 20-digit, negative or
  non-numeric value with the field's own message instead of letting it reach
  the database (SQLite cannot hold an integer over 2^63 - 1).
"""

from __future__ import annotations

import re
import unicodedata

from django import forms

#: The largest id any of our tables can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[\t ]+")
# C0 and C1 controls and DEL (line breaks and tab are handled first); the
# bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) and marks (U+200E, U+200F, U+061C); invisible characters that
# only disguise text: zero-width space, word joiner, invisible operators, BOM.
# Zero-width (non-)joiners stay: emoji sequences and several scripts need them.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def _common(value: str) -> str:
    return unicodedata.normalize("NFC", str(value))


def single_line(value) -> str:
    """One line of plain text: no line breaks, controls or disguising characters."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", _common(value))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def multi_line(value) -> str:
    """Text that may run over several lines: line breaks kept as "\\n", nothing else hidden."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", _common(value))
    text = _INVISIBLE.sub("", text.replace("\t", " "))
    return text.strip()


def parse_id(value) -> int | None:
    """A positive database id from a query string or form value, or None if it is not one."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class NormalisedInputMixin:
    """Normalise every submitted text value before a form validates it (see the module)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self._normalised(self.data)

    def _normalised(self, data):
        data = data.copy()
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField):
                continue
            clean = multi_line if isinstance(field.widget, forms.Textarea) else single_line
            key = self.add_prefix(name)
            if hasattr(data, "setlist"):
                values = data.getlist(key)
                if values:
                    data.setlist(key, [clean(v) if isinstance(v, str) else v for v in values])
            elif isinstance(data.get(key), str):
                data[key] = clean(data[key])
        return data


class SingleLineCharField(forms.CharField):
    """A CharField whose value is always one normalised line (for forms without the mixin)."""

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value


class MultiLineCharField(forms.CharField):
    """A CharField that keeps line breaks and drops every other control character."""

    def to_python(self, value):
        value = super().to_python(value)
        return multi_line(value) if isinstance(value, str) else value


class IdField(forms.IntegerField):
    """A database id: a whole number from 1 to MAX_ID, else the field's "invalid" message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over integer ids that answers any impossible id with `invalid_choice`.

    Django's own looks the value up as given: a 20-digit id overflows SQLite's
    integer and becomes a server error instead of "choose from the list".
    """

    def to_python(self, value):
        impossible = self.to_field_name is None and parse_id(value) is None
        if value not in self.empty_values and impossible:
            message = self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice")
        return super().to_python(value)


__all__ = [
    "MAX_ID",
    "IdField",
    "IdModelChoiceField",
    "MultiLineCharField",
    "NormalisedInputMixin",
    "SingleLineCharField",
    "multi_line",
    "parse_id",
    "single_line",
]
