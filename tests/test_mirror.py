"""Tests mirror the code: every module of the package with logic has a test module beside the others named after
it, ``tests/test_<stem>.py`` or, where the stem alone is ambiguous, ``tests/test_<folder>_<stem>.py`` (a folder's
``__init__.py`` is ``tests/test_<folder>.py``). The old import paths kept after the move are shims and exempt."""

from __future__ import annotations

import ast
from pathlib import Path

from test_moved_paths import MOVED

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "artpipe"
TESTS = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
SHIMS = {name.removeprefix("artpipe.").replace(".", "/") for name in MOVED}


def has_logic(tree: ast.Module) -> bool:
    """A module with a function or method of its own (a lazy re-export's ``__getattr__`` and ``__dir__`` are not)."""
    own = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return any(n.name not in ("__getattr__", "__dir__") for n in own)


def names_for(path: Path) -> list[str]:
    """The test module names that mirror ``path`` (a module under artpipe/)."""
    parts = list(path.relative_to(PKG).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return [f"test_{'_'.join(parts)}", f"test_{parts[-1]}"] if parts else []
    return [f"test_{parts[-1]}", f"test_{'_'.join(parts)}"]


def modules_with_logic() -> list[Path]:
    found = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("").as_posix()
        if rel in SHIMS or rel.removesuffix("/__init__") in SHIMS:
            continue
        if has_logic(ast.parse(path.read_text(encoding="utf-8"))) and names_for(path):
            found.append(path)
    return found


def test_every_module_with_logic_has_a_test_module_named_after_it() -> None:
    missing = [f"{p.relative_to(ROOT)} (tests/{names_for(p)[0]}.py)" for p in modules_with_logic()
               if not TESTS & set(names_for(p))]
    assert not missing, "modules with no mirrored test module:\n" + "\n".join(missing)


def test_the_rule_sees_modules_and_their_tests() -> None:
    # the scan finds the package's modules, and a module with a test module of its name counts as mirrored
    found = {p.relative_to(PKG).as_posix() for p in modules_with_logic()}
    assert {"imaging/matting.py", "inbox/watch.py", "studio/service/runs.py"} <= found
    assert "test_matting" in names_for(PKG / "imaging" / "matting.py")
    assert "test_studio_service_runs" in names_for(PKG / "studio" / "service" / "runs.py")
    assert not SHIMS & {p.relative_to(PKG).with_suffix("").as_posix() for p in modules_with_logic()}
