import pytest

from councillor_pages.importers import parse_roles
from councillor_pages.models import CouncillorRole, sort_name_for
from councillor_pages.postcodes import display_postcode, is_valid_postcode, normalise_postcode


@pytest.mark.parametrize("typed", ["hd1 2ab", "HD12AB", "  hD1   2aB ", "hd1\t2ab", "HD1 2AB"])
def test_postcodes_in_any_case_and_spacing_normalise_to_one_form(typed):
    assert normalise_postcode(typed) == "HD12AB"
    assert is_valid_postcode(normalise_postcode(typed))
    assert display_postcode(normalise_postcode(typed)) == "HD1 2AB"


@pytest.mark.parametrize("typed", ["", "HD1", "12345", "HDD1 2AB", "HD1 2A", "HD1 22B", "HD1-2AB"])
def test_malformed_postcodes_are_not_valid(typed):
    assert not is_valid_postcode(normalise_postcode(typed))


@pytest.mark.parametrize("typed", ["EC1A 1BB", "W1A 0AX", "M1 1AE", "WF13 2AB", "B33 8TH"])
def test_every_postcode_shape_is_valid(typed):
    assert is_valid_postcode(normalise_postcode(typed))


def test_roles_parse_with_kinds_and_default_to_committee():
    assert parse_roles("portfolio: Communities; Planning ;committee chair: Licensing") == [
        (CouncillorRole.Kind.PORTFOLIO, "Communities"),
        (CouncillorRole.Kind.COMMITTEE, "Planning"),
        (CouncillorRole.Kind.COMMITTEE_CHAIR, "Licensing"),
    ]
    assert parse_roles("") == []


def test_unknown_role_kind_is_named_in_the_error():
    with pytest.raises(ValueError, match="'mayor'"):
        parse_roles("mayor: Example")


def test_sort_name_puts_the_family_name_first():
    assert sort_name_for("Cathy Scott") == "Scott, Cathy"
    assert sort_name_for("Mary Ann Example") == "Example, Mary Ann"
    assert sort_name_for("Cher") == "Cher"
