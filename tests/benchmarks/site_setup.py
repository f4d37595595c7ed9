"""Run the scenarios' setup functions inside Django and write the facts they return.

Usage (run.py does this, with the benchmark's environment):
    python tests/benchmarks/site_setup.py OUTPUT.json module:function [...]

Each function runs in its own transaction, so a failure leaves nothing half
built; the facts from all of them are merged into one JSON object.
"""

import json
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    output, *refs = argv
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

    import django

    django.setup()
    from django.db import transaction

    facts: dict[str, str] = {}
    for ref in refs:
        module_name, _, function_name = ref.partition(":")
        function = getattr(import_module(module_name), function_name)
        print(f"  setup {ref}", flush=True)
        with transaction.atomic():
            facts.update(function())
    Path(output).write_text(json.dumps(facts, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
