"""No function in artpipe/ is longer than 60 lines (decorators and docstring included), nested ones too: a longer
one is several steps that want names of their own."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "artpipe"
MOST_LINES = 60


def long_functions(source: str) -> list[tuple[str, int, int]]:
    """Every function (or method, nested or not) in ``source`` longer than MOST_LINES: name, first line, length."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MOST_LINES:
                found.append((node.name, first, length))
    return found


def test_the_measure_counts_nested_functions_and_decorators() -> None:
    body = "\n".join(f"        x{i} = {i}" for i in range(MOST_LINES - 1))  # 61 lines with its decorator
    inner = f"def outer():\n    @decorated\n    def inner():\n{body}\n    return inner\n"
    assert [(name, length) for name, _, length in long_functions(inner)] == [("outer", 63), ("inner", 61)]
    assert long_functions("def short():\n    return 1\n") == []


def test_no_function_in_artpipe_is_over_60_lines() -> None:
    over = [f"{path.relative_to(PKG.parent)}:{line}: {name} is {length} lines"
            for path in sorted(PKG.rglob("*.py"))
            for name, line, length in long_functions(path.read_text(encoding="utf-8"))]
    assert not over, "split these into named steps:\n" + "\n".join(over)
