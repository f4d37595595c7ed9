"""ARCHITECTURE.md stays true: its arrows are the imports, its types and hooks the contract's.

The picture's arrows must be exactly the app-to-app imports in the code
(migrations aside) and allowed by the design card's one-way rule; the
contract types and the hook table (name, type, providers, consumers) must be
exactly what home/contracts.py declares and what the code registers and
collects. Hook names are written as strings only in home/contracts.py.
"""

import dataclasses
import enum
import importlib.util
import re

import pytest

from home import contracts
from tests.helpers.app_boundaries import (
    ALLOWED,
    APPS,
    ROOT,
    app_of_module,
    hook_name_literals,
    hook_uses,
    import_edges,
    imports_of,
)

DOC = (ROOT / "ARCHITECTURE.md").read_text()

EDGE = re.compile(r'^\s*(\w+)(?:\["([^"]+)"\])?\s*-->\s*(\w+)(?:\["([^"]+)"\])?\s*$')


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f"ARCHITECTURE.md has no '## {title}' section"
    return match.group(1)


def declared_arrows(text: str = DOC) -> set[tuple[str, str]]:
    """(from app, to app) for every arrow of the Mermaid picture; node labels name apps."""
    picture = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert picture, "ARCHITECTURE.md has no Mermaid picture"
    labels, arrows = {}, set()
    for line in picture.group(1).splitlines():
        if match := EDGE.match(line):
            source, source_label, target, target_label = match.groups()
            labels.setdefault(source, source_label or source)
            labels.setdefault(target, target_label or target)
            arrows.add((source, target))
    return {(labels[source], labels[target]) for source, target in arrows}


def unexplained(edges, arrows) -> set[tuple[str, str]]:
    """Imports the picture does not show, or that the one-way rule forbids."""
    return {edge for edge in edges if edge not in arrows or edge[1] not in ALLOWED[edge[0]]}


def test_the_picture_shows_every_app():
    assert {app for arrow in declared_arrows() for app in arrow} == set(APPS)


def test_the_arrows_are_the_imports():
    edges = import_edges()
    arrows = declared_arrows()
    assert not unexplained(edges, arrows), {
        edge: sorted(edges[edge]) for edge in unexplained(edges, arrows)
    }
    assert arrows - set(edges) == set(), "Arrows that no import follows: remove them"


def test_the_arrows_keep_the_design_cards_direction():
    assert all(target in ALLOWED[source] for source, target in declared_arrows())


def test_an_import_against_the_arrows_is_caught(tmp_path):
    """A places module importing engagement is not explained by the picture."""
    module = tmp_path / "example.py"
    module.write_text("from engagement.models import Submission\nimport home.contracts\n")
    edges = {("places", app_of_module(name)) for name in imports_of(module)} - {("places", None)}
    assert unexplained(edges, declared_arrows()) == {("places", "engagement")}
    inverted = DOC.replace("places --> home", "home --> places")
    assert ("home", "places") in unexplained({("home", "places")}, declared_arrows(inverted))


def contract_types() -> set[str]:
    return {
        name
        for name, value in vars(contracts).items()
        if isinstance(value, type)
        and value.__module__ == contracts.__name__
        and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))
    }


def test_the_contract_types_listed_are_those_in_home_contracts():
    listed = set(re.findall(r"^- `(\w+)`", section("Contract types"), re.M))
    assert listed == contract_types()


def hook_rows() -> list[list[str]]:
    rows = []
    for line in section("Hooks").splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def ticked(cell: str) -> set[str]:
    return set(re.findall(r"`([^`]+)`", cell))


CONSTANTS = {
    name: value
    for name, value in vars(contracts).items()
    if name.isupper() and isinstance(value, str) and value in contracts.HOOK_NAMES
}


def test_every_hook_is_listed_once_with_its_name_and_type():
    assert len(set(contracts.HOOK_NAMES)) == len(contracts.HOOK_NAMES) == len(CONSTANTS)
    listed = {}
    for constant, name, returns, _providers, _consumers in hook_rows():
        (constant,), (name,) = ticked(constant), ticked(name)
        assert CONSTANTS.get(constant) == name, f"{constant} is not {name} in home.contracts"
        assert ticked(returns) == {contracts.HOOK_TYPES[name].__name__}, name
        listed[constant] = name
    assert listed == CONSTANTS


@pytest.mark.parametrize("hook_name", contracts.HOOK_NAMES)
def test_who_provides_and_consumes_each_hook_is_as_listed(hook_name):
    row = next(row for row in hook_rows() if ticked(row[1]) == {hook_name})
    found = hook_uses(CONSTANTS)[hook_name]
    assert ticked(row[3]) == found["providers"], "provided by"
    assert ticked(row[4]) == found["consumers"], "consumed by"
    assert found["providers"] and found["consumers"], "a hook nobody provides or consumes"


def test_hook_names_are_written_only_in_home_contracts():
    literals = hook_name_literals(contracts.HOOK_NAMES)
    assert all(place.startswith("home/contracts.py:") for place in literals), literals
    assert len(literals) == len(contracts.HOOK_NAMES)


def test_every_shared_layer_listed_exists_with_its_proof():
    rows = [
        line.split("|")[1:-1]
        for line in section("Shared layers in `home`").splitlines()
        if line.startswith("| ") and "`" in line
    ]
    assert len(rows) >= 5, rows
    for _layer, module, proof in rows:
        module_name = module.strip().strip("`")
        assert importlib.util.find_spec(module_name), f"{module_name} is listed but missing"
        for path in re.findall(r"`([^`]+\.py)`", proof):
            assert (ROOT / path).is_file(), f"{path} is listed as a proof but missing"
