"""The suite depends on the package, never on the benchmarks: a benchmark may be rewritten or
deleted without a test noticing, so what both need lives in ``src/watchkeep`` or ``tests``."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its syntax tree."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_no_test_module_imports_the_benchmarks() -> None:
    offenders = {
        str(path.relative_to(TESTS.parent)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "benchmarks"
        )
        for path in sorted(TESTS.rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_scan_sees_both_spellings_of_an_import(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    module.write_text("import benchmarks.shared\nfrom benchmarks import similarity\n")
    assert imported_modules(module) == {"benchmarks.shared", "benchmarks"}
