"""Every environment variable the settings read is documented in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_READ = re.compile(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"')


def test_every_setting_from_the_environment_is_in_the_readme():
    names = set()
    for path in (ROOT / "site" / "config").rglob("*.py"):
        names |= set(ENV_READ.findall(path.read_text()))
    readme = (ROOT / "README.md").read_text()

    assert names, "the settings read no environment variables: the pattern is wrong"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"Document these in the README's configuration table: {missing}"


def test_the_configuration_table_is_one_table_with_each_setting_once():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    tables = re.findall(r"(?:^\|.*\|\n)+", section, re.M)
    assert len(tables) == 1, "a blank line splits the configuration table"
    names = re.findall(r"^\| `([A-Z0-9_]+)` \|", tables[0], re.M)
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
