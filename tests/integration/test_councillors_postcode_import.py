"""The postcode lookup import: streaming, idempotent, every bad line reported."""

import csv
import io
import re
import string

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from councillor_pages.models import Postcode
from tests.factories.places import WardFactory

pytestmark = pytest.mark.django_db

ROWS = 100_000
LETTERS = [c for c in string.ascii_uppercase if c not in "CIKMOV"]


def _postcode(n: int) -> str:
    unit = LETTERS[n % 20] + LETTERS[(n // 20) % 20]
    sector = (n // 400) % 10
    district = n // 4000 + 1
    return f"HD{district} {sector}{unit}"


def _write_file(path, wards):
    """A national-statistics-style file; returns (valid postcodes, bad line numbers)."""
    valid, bad_lines = set(), []
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pcds", "oa21cd", "wd21cd", "doterm"])
        for n in range(ROWS):
            line = n + 2  # the header is line 1
            postcode = _postcode(n)
            ward = wards[n % len(wards)].code
            if n % 997 == 0:
                writer.writerow([f"NOT{n}", "E00000001", ward, ""])
                bad_lines.append(line)
            elif n % 991 == 0:
                writer.writerow([postcode, "E00000001", "", ""])
                bad_lines.append(line)
            elif n % 983 == 0:
                writer.writerow([postcode, "E00000001", "E05999999", ""])  # another council's
            else:
                # People and spreadsheets write postcodes every way.
                typed = [postcode, postcode.lower(), postcode.replace(" ", ""), f" {postcode} "]
                writer.writerow([typed[n % 4], "E00000001", ward.lower() if n % 5 else ward, ""])
                valid.add(postcode.replace(" ", ""))
    return valid, bad_lines


def _run(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_postcodes", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_100000_row_file_imports_every_valid_row_and_reports_every_bad_line(tmp_path):
    wards = [WardFactory() for _ in range(23)]
    path = tmp_path / "postcodes.csv"
    valid, bad_lines = _write_file(path, wards)

    out, err = _run(path)

    # A progress bar, reaching 100% on the last row.
    bars = re.findall(r"\[[#-]{30}\]\s+\d+%", out)
    assert len(bars) >= 10
    assert "100% 100,000/100,000 rows" in out
    assert Postcode.objects.count() == len(valid)
    assert set(Postcode.objects.values_list("postcode", flat=True)) == valid
    reported = [int(n) for n in re.findall(r"^Line (\d+): rejected", err, re.MULTILINE)]
    assert reported == bad_lines
    assert f"{len(valid):,} imported ({len(valid):,} new, 0 moved" in out
    assert f"{len(bad_lines):,} rejected" in out
    assert "skipped, ward not on this site:" in out
    assert "is not a valid postcode" in err
    assert "ward code is missing" in err

    # Second run: nothing changes, and the same lines are reported.
    before = dict(Postcode.objects.values_list("postcode", "ward_id"))
    out, err = _run(path)
    assert dict(Postcode.objects.values_list("postcode", "ward_id")) == before
    assert "0 imported (0 new, 0 moved" in out
    assert f"skipped, already up to date: {len(valid):,}" in out
    assert [int(n) for n in re.findall(r"^Line (\d+): rejected", err, re.MULTILINE)] == bad_lines


def test_a_postcode_that_moves_ward_is_updated_and_repeats_are_skipped(tmp_path):
    old, new = WardFactory(), WardFactory()
    Postcode.objects.create(postcode="HD12AB", ward=old)
    path = tmp_path / "lookup.csv"
    path.write_text(
        f"postcode,ward_code\nhd1 2ab,{new.code}\nHD12AB,{old.code}\nWF13 1AA,{new.code}\n"
    )
    out, err = _run(path)
    assert Postcode.objects.get(pk="HD12AB").ward == new
    assert Postcode.objects.get(pk="WF131AA").ward == new
    assert "2 imported (1 new, 1 moved to another ward)" in out
    assert "skipped, repeat of an earlier line: 1" in out
    assert err == ""


def test_a_file_without_the_columns_is_refused_with_the_columns_it_has(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("name,address\nA,B\n")
    with pytest.raises(CommandError, match="name, address"):
        _run(path)
    assert Postcode.objects.count() == 0
