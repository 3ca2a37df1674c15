"""The modules that moved into folders (docs/architecture.md, "Module map") keep their old import paths working,
and nothing inside artpipe uses an old path."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "artpipe"
MOVED = {  # old module -> the module it is now
    "artpipe.cli": "artpipe.cli.commands",
    "artpipe.cli_common": "artpipe.cli.common",
    "artpipe.cli_fonts": "artpipe.cli.fonts",
    "artpipe.cli_inbox": "artpipe.cli.inbox",
    "artpipe.cli_presets": "artpipe.cli.presets",
    "artpipe.cli_studio": "artpipe.cli.studio",
    "artpipe.run": "artpipe.run.pool",
    "artpipe.batch": "artpipe.run.batch",
    "artpipe.executors": "artpipe.run.executors",
    "artpipe.tasks": "artpipe.run.tasks",
    "artpipe.jobs": "artpipe.run.jobs",
    "artpipe.requests": "artpipe.run.requests",
    "artpipe.main_images": "artpipe.run.main_images",
    "artpipe.fitcheck": "artpipe.run.fitcheck",
    "artpipe.incremental": "artpipe.run.incremental",
    "artpipe.assetcache": "artpipe.run.assetcache",
    "artpipe.painted": "artpipe.run.painted",
    "artpipe.render": "artpipe.run.render",
    "artpipe.report": "artpipe.report.outcome",
    "artpipe.results": "artpipe.report.results",
    "artpipe.proof": "artpipe.report.proof",
    "artpipe.proofview": "artpipe.report.proofview",
    "artpipe.pagefonts": "artpipe.report.pagefonts",
    "artpipe.decoding": "artpipe.imaging.decoding",
    "artpipe.template.load": "artpipe.layers.template",
}
PACKAGES = {"artpipe.cli", "artpipe.run", "artpipe.report"}  # old modules that are folders now


def defined(module: str) -> set[str]:
    """The public names a module's own source defines (functions, classes, constants), not those it imports."""
    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    names |= {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    return {n for n in names if not n.startswith("_")}


def kept(old: str) -> set[str]:
    """The names an old path gives: its ``__all__``, or for a folder that forwards on request its ``OLD_NAMES``."""
    module = importlib.import_module(old)
    return set(getattr(module, "__all__", None) or module.OLD_NAMES)


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_gives_the_same_objects(old: str, new: str) -> None:
    moved, shim = importlib.import_module(new), importlib.import_module(old)
    names = kept(old)
    assert names
    assert names <= defined(new), f"{old} gives names {new} does not define: {sorted(names - defined(new))}"
    for name in names:
        assert getattr(shim, name) is getattr(moved, name), f"{old}.{name}"
        exec(f"from {old} import {name}", {})  # noqa: S102 - the import a user writes


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_path_keeps_nothing_private(old: str) -> None:
    """Only the public names the old module had: no underscore name, nothing the new module imports for itself."""
    shim = importlib.import_module(old)
    submodules = {m.rsplit(".", 1)[1] for m in MOVED.values() if m.startswith(old + ".")}
    names = {n for n in vars(shim) if not n.startswith("__")} - submodules - {"annotations", "import_module",
                                                                              "TYPE_CHECKING", "Any", "OLD_NAMES"}
    assert not {n for n in names if n.startswith("_")}
    assert names <= kept(old), f"{old} also gives {sorted(names - kept(old))}"
    for private in [n for n in vars(importlib.import_module(MOVED[old])) if n[0] == "_" and n[:2] != "__"]:
        with pytest.raises(ImportError):
            exec(f"from {old} import {private}", {})  # noqa: S102


def test_the_old_paths_users_named_work() -> None:
    import artpipe
    from artpipe import api
    from artpipe.cli import main
    from artpipe.report import Outcome
    from artpipe.report.outcome import Outcome as moved
    from artpipe.run.render import render

    assert Outcome is moved
    assert main.name == "main"
    assert api.render_job
    importlib.import_module("artpipe.render")  # the old module path, imported late, leaves the function its name
    assert artpipe.render is render
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, name = scripts["artpipe"].split(":")
    assert getattr(importlib.import_module(module), name) is main


def test_python_dash_m_artpipe_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "artpipe", "--help"], capture_output=True, text=True, check=False,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "render" in done.stdout


@pytest.mark.parametrize("old", sorted(set(MOVED) - PACKAGES))
def test_an_old_path_is_only_a_re_export(old: str) -> None:
    """Code at an old path would be a second copy to keep in step: it holds imports and a docstring, nothing else."""
    tree = ast.parse((ROOT / (old.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    body = tree.body[1:] if isinstance(tree.body[0], ast.Expr) else tree.body
    imports = [n for n in body if not (isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "__all__")]
    assert imports
    assert all(isinstance(n, ast.ImportFrom) and n.module == MOVED[old] for n in imports)


def test_artpipe_uses_the_new_paths() -> None:
    """Old paths are for users: inside artpipe an import of one would patch, type and load the wrong module."""
    shims = {ROOT / (old.replace(".", "/") + ("/__init__.py" if old in PACKAGES else ".py")) for old in MOVED}
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if path in shims:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in MOVED:
                package = node.module in PACKAGES
                if not package or any(f"{node.module}.{a.name}" not in MOVED.values() for a in node.names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
            elif isinstance(node, ast.ImportFrom) and node.module == "artpipe":
                found += [f"{path.relative_to(ROOT)}:{node.lineno} from artpipe import {a.name}"
                          for a in node.names if f"artpipe.{a.name}" in MOVED]
            elif isinstance(node, ast.Import):
                found += [f"{path.relative_to(ROOT)}:{node.lineno} import {a.name}" for a in node.names
                          if a.name in MOVED and a.name not in PACKAGES]
    assert not found, "old paths used inside artpipe: " + ", ".join(found)
