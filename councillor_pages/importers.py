"""Imports: the postcode-to-ward lookup, and councillors from a spreadsheet.

Both are idempotent (a second run with the same file changes nothing) and
report problems by line number and field, so whoever prepared the file can
fix it without guessing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify

from councillor_pages.models import CouncillorIndexPage, CouncillorPage, CouncillorRole, Postcode
from councillor_pages.postcodes import is_valid_postcode, normalise_postcode
from places.models import Ward

# --------------------------------------------------------------------------
# Postcodes

#: Column names for the postcode in the national statistics files (NSPL, ONSPD,
#: the postcode-to-ward best-fit lookups), most specific first.
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode", "pcd2")
#: The ward code column: "wd24cd", "wd22cd"... in ONS files, or a plain name.
WARD_COLUMN = re.compile(r"^(wd\d{2}cd|ward[ _]?code|osward|ward)$")
TERMINATED_COLUMN = "doterm"
BATCH_SIZE = 2000


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class PostcodeImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skip_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        return self.created + self.updated

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + 1


class ImportFileError(Exception):
    """The file as a whole cannot be read (no usable header, wrong format)."""


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def _find_columns(header: list[str], postcode_column: str, ward_column: str):
    names = [name.strip().lower().lstrip("\ufeff") for name in header]

    def position(wanted: str) -> int:
        if wanted.lower() not in names:
            raise ImportFileError(f"The file has no column called {wanted!r}.")
        return names.index(wanted.lower())

    if postcode_column:
        postcode_at = position(postcode_column)
    else:
        postcode_at = next((names.index(n) for n in POSTCODE_COLUMNS if n in names), None)
    if ward_column:
        ward_at = position(ward_column)
    else:
        ward_at = next((i for i, name in enumerate(names) if WARD_COLUMN.match(name)), None)
    if postcode_at is None or ward_at is None:
        raise ImportFileError(
            "The first line must name the columns, including a postcode column "
            f"({', '.join(POSTCODE_COLUMNS)}) and a ward code column (for example wd24cd or "
            f"ward_code). It has: {', '.join(header)}"
        )
    terminated_at = names.index(TERMINATED_COLUMN) if TERMINATED_COLUMN in names else None
    return postcode_at, ward_at, terminated_at


def import_postcodes(
    path: Path | str,
    *,
    postcode_column: str = "",
    ward_column: str = "",
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> PostcodeImportResult:
    """Stream a national statistics postcode file into the lookup.

    Reads the file once to count its lines (for the progress bar), then once
    to import, a batch at a time: each batch costs one query to find the
    postcodes already known, one bulk insert and at most one bulk update, so
    memory stays flat and 100,000 rows take seconds. Rows are:

    - imported (new postcode, or a postcode whose ward changed);
    - skipped, with a reason: already up to date, a repeat of an earlier line,
      terminated postcodes, or postcodes in wards this site does not hold
      (a national file covers every council; only ours are wanted);
    - rejected, with the line number and reason: a missing or malformed
      postcode, a missing ward code, or a line with too few columns.
    """
    path = Path(path)
    total = max(_count_lines(path) - 1, 0)
    result = PostcodeImportResult()
    wards = dict(Ward.objects.values_list("code", "id"))
    seen: set[str] = set()
    batch: dict[str, int] = {}

    def flush():
        if not batch:
            return
        existing = dict(
            Postcode.objects.filter(pk__in=list(batch)).values_list("postcode", "ward_id")
        )
        new = [Postcode(postcode=pc, ward_id=w) for pc, w in batch.items() if pc not in existing]
        changed = [
            Postcode(postcode=pc, ward_id=w)
            for pc, w in batch.items()
            if pc in existing and existing[pc] != w
        ]
        with transaction.atomic():
            Postcode.objects.bulk_create(new, batch_size=500)
            if changed:
                Postcode.objects.bulk_update(changed, ["ward"], batch_size=500)
        result.created += len(new)
        result.updated += len(changed)
        unchanged = len(batch) - len(new) - len(changed)
        result.unchanged += unchanged
        for _ in range(unchanged):
            result.skip("already up to date")
        batch.clear()

    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        postcode_at, ward_at, terminated_at = _find_columns(header, postcode_column, ward_column)
        needed = max(postcode_at, ward_at) + 1
        for row in reader:
            result.rows += 1
            line = reader.line_num
            if progress is not None and (result.rows % 1000 == 0):
                progress(result.rows, total)
            if not any(cell.strip() for cell in row):
                result.skip("blank line")
                continue
            if len(row) < needed:
                result.rejected.append(
                    Rejection(line, f"has {len(row)} column(s); expected at least {needed}")
                )
                continue
            raw_postcode = row[postcode_at]
            postcode = normalise_postcode(raw_postcode)
            ward_code = row[ward_at].strip().upper()
            if not postcode:
                result.rejected.append(Rejection(line, "postcode is missing"))
                continue
            if not is_valid_postcode(postcode):
                result.rejected.append(
                    Rejection(line, f"postcode {raw_postcode.strip()!r} is not a valid postcode")
                )
                continue
            if not ward_code:
                result.rejected.append(Rejection(line, "ward code is missing"))
                continue
            if terminated_at is not None and len(row) > terminated_at and row[terminated_at]:
                result.skip("terminated postcode")
                continue
            ward_id = wards.get(ward_code)
            if ward_id is None:
                result.skip("ward not on this site")
                continue
            if postcode in seen:
                result.skip("repeat of an earlier line")
                continue
            seen.add(postcode)
            batch[postcode] = ward_id
            if len(batch) >= batch_size:
                flush()
        flush()
    if progress is not None:
        progress(result.rows, max(total, result.rows))
    return result


# --------------------------------------------------------------------------
# Councillors

COUNCILLOR_COLUMNS = ("name", "ward_code", "party", "roles", "email", "phone", "photo")
REQUIRED_COUNCILLOR_COLUMNS = ("name", "ward_code")
ROLE_KINDS = {
    "portfolio": CouncillorRole.Kind.PORTFOLIO,
    "portfolio holder": CouncillorRole.Kind.PORTFOLIO,
    "cabinet": CouncillorRole.Kind.PORTFOLIO,
    "chair": CouncillorRole.Kind.COMMITTEE_CHAIR,
    "committee chair": CouncillorRole.Kind.COMMITTEE_CHAIR,
    "committee": CouncillorRole.Kind.COMMITTEE,
    "committee member": CouncillorRole.Kind.COMMITTEE,
    "other": CouncillorRole.Kind.OTHER,
}
PHONE = re.compile(r"^[0-9 +()\-]{6,40}$")


@dataclass
class RowError:
    row: int
    field: str
    message: str

    def __str__(self):
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass
class CouncillorRow:
    row: int
    name: str
    ward: Ward | None
    party: str
    roles: list[tuple[str, str]]
    email: str
    phone: str
    photo: str
    biography: str = ""


@dataclass
class CouncillorImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_roles(value: str) -> list[tuple[str, str]]:
    """ "portfolio: Communities; committee: Planning" -> [(kind, title), ...].

    A role without a "kind:" prefix is a committee membership. Raises
    ValueError naming an unknown kind.
    """
    roles = []
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        kind_text, sep, title = item.partition(":")
        if not sep:
            kind, title = CouncillorRole.Kind.COMMITTEE, kind_text
        else:
            kind = ROLE_KINDS.get(kind_text.strip().lower())
            if kind is None:
                raise ValueError(
                    f"unknown role kind {kind_text.strip()!r} in {item!r}; use one of "
                    "portfolio, committee chair, committee, other"
                )
        if not title.strip():
            raise ValueError(f"role {item!r} has no title")
        roles.append((str(kind), " ".join(title.split())))
    return roles


def read_councillor_rows(
    handle: Iterable[str], photo_dir: Path | None = None
) -> tuple[list[CouncillorRow], list[RowError]]:
    """Check every row; return the good rows and an error per bad field."""
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        return [], [RowError(1, "header", "the file is empty")]
    columns = [name.strip().lower().lstrip("\ufeff") for name in reader.fieldnames]
    missing = [name for name in REQUIRED_COUNCILLOR_COLUMNS if name not in columns]
    if missing:
        return [], [RowError(1, "header", f"missing column(s): {', '.join(missing)}")]
    reader.fieldnames = columns
    wards = {ward.code: ward for ward in Ward.objects.all()}
    rows, errors, names = [], [], {}
    for record in reader:
        line = reader.line_num
        value = {key: (record.get(key) or "").strip() for key in (*COUNCILLOR_COLUMNS, "biography")}
        row_errors = []
        name = " ".join(value["name"].split())
        if not name:
            row_errors.append(RowError(line, "name", "is missing"))
        elif slugify(name) in names:
            row_errors.append(
                RowError(line, "name", f"{name!r} already appears on row {names[slugify(name)]}")
            )
        else:
            names[slugify(name)] = line
        ward = None
        code = value["ward_code"].upper()
        if code:
            ward = wards.get(code)
            if ward is None:
                row_errors.append(RowError(line, "ward_code", f"no ward has the code {code!r}"))
        try:
            roles = parse_roles(value["roles"])
        except ValueError as error:
            roles = []
            row_errors.append(RowError(line, "roles", str(error)))
        if value["email"]:
            try:
                validate_email(value["email"])
            except ValidationError:
                row_errors.append(
                    RowError(line, "email", f"{value['email']!r} is not an email address")
                )
        if value["phone"] and not PHONE.match(value["phone"]):
            row_errors.append(RowError(line, "phone", f"{value['phone']!r} is not a phone number"))
        if value["photo"]:
            if photo_dir is None:
                row_errors.append(
                    RowError(line, "photo", "names a photo but no --photo-dir was given")
                )
            elif not (photo_dir / value["photo"]).is_file():
                row_errors.append(
                    RowError(line, "photo", f"{value['photo']!r} is not in {photo_dir}")
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            CouncillorRow(
                row=line,
                name=name,
                ward=ward,
                party=value["party"],
                roles=roles,
                email=value["email"].lower(),
                phone=value["phone"],
                photo=value["photo"],
                biography=value["biography"],
            )
        )
    return rows, errors


def _photo(photo_dir: Path, file_name: str, name: str):
    """The image for this file, uploaded once: found again by its title on later runs."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    image_model = get_image_model()
    title = f"Councillor photo: {file_name}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        with (photo_dir / file_name).open("rb") as handle:
            image = image_model(
                title=title,
                description=f"Photograph of {name}",
                collection=Collection.get_first_root_node(),
            )
            image.file = ImageFile(io.BytesIO(handle.read()), name=file_name)
            image.save()
    return image


def import_councillors(
    handle: Iterable[str],
    index: CouncillorIndexPage,
    *,
    photo_dir: Path | None = None,
    on_create: Callable[[CouncillorPage, CouncillorRow], None] | None = None,
) -> CouncillorImportResult:
    """Create or update one councillor page per valid row; report every invalid field.

    A councillor is found again by the slug of their name under the index.
    Only the columns in the file are touched: biographies, surgeries and
    other roles editors add in the admin are left alone, except that the
    roles listed in the file replace the page's roles when they differ.
    `on_create(page, row)` may add content to a new page before its one
    published revision (the demo gives example councillors a surgery).
    """
    rows, errors = read_councillor_rows(handle, photo_dir)
    result = CouncillorImportResult(errors=errors)
    existing = {page.slug: page for page in CouncillorPage.objects.child_of(index)}
    for row in rows:
        with transaction.atomic():
            slug = slugify(row.name)
            page = existing.get(slug)
            photo = _photo(photo_dir, row.photo, row.name) if row.photo and photo_dir else None
            wanted = {
                "title": row.name,
                "ward_id": row.ward.pk if row.ward else None,
                "party": row.party,
                "email": row.email,
                "phone": row.phone,
            }
            if photo is not None:
                wanted["photo_id"] = photo.pk
            if row.biography:
                wanted["biography"] = f"<p>{escape(row.biography)}</p>"
            if page is None:
                page = CouncillorPage(slug=slug, **wanted)
                page.roles = [
                    CouncillorRole(kind=kind, title=title, sort_order=n)
                    for n, (kind, title) in enumerate(row.roles)
                ]
                if on_create is not None:
                    on_create(page, row)
                index.add_child(instance=page)
                page.save_revision().publish()
                result.created.append(row.name)
                continue
            page = page.get_latest_revision_as_object()
            current_roles = [(role.kind, role.title) for role in page.roles.all()]
            changed = {k: v for k, v in wanted.items() if getattr(page, k) != v}
            if not changed and current_roles == row.roles:
                result.unchanged.append(row.name)
                continue
            for key, value in changed.items():
                setattr(page, key, value)
            if current_roles != row.roles:
                page.roles = [
                    CouncillorRole(kind=kind, title=title, sort_order=n)
                    for n, (kind, title) in enumerate(row.roles)
                ]
            page.save_revision().publish()
            result.updated.append(row.name)
    return result
