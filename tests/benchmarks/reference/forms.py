from django import forms


class BenchRowForm(forms.Form):
    """A small form validated like any Django form: three fields, one of them a choice."""

    name = forms.CharField(max_length=100)
    score = forms.TypedChoiceField(choices=[(n, str(n)) for n in range(1, 8)], coerce=int)
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
