"""Spreadsheet rows for Place Standard responses.

The cells are made safe to open in a spreadsheet by home.exports (the
listing's view mixes in SafeSpreadsheetExportMixin). No personal data is
exported: follow-up contacts live elsewhere.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder

from engagement.themes import STANDARD_2015, THEME_KEYS

EXPORT_COLUMNS = [
    ("id", "Response"),
    ("created_at", "Received"),
    ("form", "Form"),
    ("place", "Place"),
    ("round", "Round"),
    ("channel", "Channel"),
    ("status", "Status"),
    ("tool_version", "Tool version"),
    ("participants", "Participants"),
    ("age_band", "Age band"),
    ("postcode_district", "Postcode district"),
]
for _theme in STANDARD_2015.themes:
    EXPORT_COLUMNS.append((f"{_theme.key}_score", f"{_theme.name}: score"))
    EXPORT_COLUMNS.append((f"{_theme.key}_comment", f"{_theme.name}: comment"))
EXPORT_COLUMNS.append(("extra_answers", "Extra questions"))


def export_row(submission) -> dict:
    """One spreadsheet row; expects `scores` prefetched and form/place selected."""
    row = {
        "id": submission.pk,
        "created_at": submission.created_at,
        "form": submission.form_page.title,
        "place": submission.place.title,
        "round": submission.round_number,
        "channel": submission.get_channel_display(),
        "status": submission.get_status_display(),
        "tool_version": submission.tool_version,
        "participants": submission.participants,
        "age_band": submission.get_age_band_display() if submission.age_band else "",
        "postcode_district": submission.postcode_district,
    }
    scores = {s.theme: s for s in submission.scores.all()}
    for key in THEME_KEYS:
        score = scores.get(key)
        row[f"{key}_score"] = score.score if score and score.score is not None else ""
        row[f"{key}_comment"] = score.comment if score else ""
    row["extra_answers"] = (
        json.dumps(submission.extra_answers, cls=DjangoJSONEncoder, ensure_ascii=False)
        if submission.extra_answers
        else ""
    )
    return row
