"""The demo content stays data: its Python may not silently grow back.

Issue 11 moved the demo's prose, page tree and tables into each app's
`demo_content.toml`; what is left in Python is the loader and what must be
generated. This budget is a third of the 3,131 lines the demo Python had.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 1040
EXTRA = [
    "home/demo_loader.py",
    "home/demo_images.py",
    "home/demo_tools.py",
    "home/management/commands/load_demo_content.py",
]


def demo_python() -> list[Path]:
    """Every app's demo.py (nested apps too) and the loader, command and helpers."""
    modules = [
        path
        for path in ROOT.glob("**/demo.py")
        if not {".venv", "node_modules", "tests"} & set(path.relative_to(ROOT).parts)
    ]
    return sorted(modules) + [ROOT / name for name in EXTRA if (ROOT / name).exists()]


def test_the_demo_python_fits_the_line_budget():
    lines = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in demo_python()
    }
    # The budget must see every loader, or it proves nothing.
    assert {"home/demo.py", "engagement/conversation/demo.py", "home/demo_loader.py"} <= set(lines)
    total = sum(lines.values())
    assert total <= BUDGET, f"{total} lines of demo Python (budget {BUDGET}): {lines}"


def test_every_demo_module_has_a_data_file_next_to_it():
    for path in demo_python():
        if path.name == "demo.py":
            assert (path.parent / "demo_content.toml").exists(), path
