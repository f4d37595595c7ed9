"""UK postcodes as people type them, and as the lookup stores them.

People type postcodes in every case and spacing ("hd1 2ab", "HD12AB",
" Hd1  2Ab "); the lookup stores one canonical form (upper case, no spaces)
so a typed postcode matches with an indexed equality, never a LIKE.
"""

import re

# Outward code (area, district, optional sub-district letter) then inward
# code (sector digit, unit letters). Covers every shape in use, including
# London's "EC1A" districts; GIR 0AA is the one historic exception.
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
_SPACES = re.compile(r"\s+")


def normalise_postcode(value: str) -> str:
    """The stored form: upper case with every space removed ("HD12AB")."""
    return _SPACES.sub("", value or "").upper()


def is_valid_postcode(normalised: str) -> bool:
    return bool(_POSTCODE.match(normalised))


def display_postcode(normalised: str) -> str:
    """The form people read: a single space before the inward code ("HD1 2AB")."""
    if len(normalised) < 5:
        return normalised
    return f"{normalised[:-3]} {normalised[-3:]}"
