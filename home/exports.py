"""The one place spreadsheet cells are made safe: every CSV and XLSX export uses it.

Staff exports include text typed by the public (comments, names). A cell
that starts with =, +, -, @, a tab or a carriage return is run as a formula
by spreadsheet programs ("CSV injection"), so such text is prefixed with an
apostrophe, which the programs show as plain text. Wagtail's exports (report
views, viewsets) pass every value through `SafeSpreadsheetExportMixin`; files
the project writes itself go through `csv_rows`. No other module defines a
guard or writes CSV (tests/integration/test_one_shape_exports.py checks).
"""

import csv
import logging

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Return `value` with a leading apostrophe if a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(stream, header, rows) -> None:
    """Write `header` then `rows` (sequences of cells) as CSV, every cell neutralised.

    None becomes an empty cell, so a missing figure never reads as "None".
    """
    writer = csv.writer(stream)
    writer.writerow([neutralise_formula(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralise_formula(cell) for cell in row])


class SafeSpreadsheetExportMixin:
    """Mix into a view using Wagtail's SpreadsheetExportMixin (ReportView, viewsets).

    Wagtail's XLSX writer already stores formulas as strings; CSV needs this,
    and applying it to both keeps the two downloads identical.
    """

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(super().preprocess_field_value(field, value, export_format))


export_logger = logging.getLogger("home.exports")


def log_export(request, what: str, rows: int, spreadsheet_format: str, *, personal_data: bool):
    """Record who downloaded what, with which filters: every staff export goes through here."""
    export_logger.info(
        "%s exported %s %s as %s%s (filters: %s)",
        request.user.get_username(),
        rows,
        what,
        spreadsheet_format,
        " with personal data" if personal_data else "",
        request.GET.urlencode(),
    )
