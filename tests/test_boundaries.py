"""The architecture's boundaries, enforced by reading imports and calls (see DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "artpipe"
PURE = [
    "colors.py", "render.py", "template/layout.py", "template/fields.py", "template/model.py",
    "text/breaking.py", "text/fit.py", "imaging/normalize.py", "imaging/color.py", "imaging/analyze.py",
    "imaging/encode.py", "imaging/gradient.py", "imaging/place.py", "imaging/checks.py", "imaging/isolate.py",
    "imaging/matting.py", "imaging/backdrop.py", "imaging/geometry.py", "imaging/formats.py", "paths.py", "naming.py",
    "imaging/cutouts.py",
    *[f"layers/{p.name}" for p in (PKG / "layers").glob("*.py")],
]
FORBIDDEN_MODULES = {"click", "watchdog", "logging", "subprocess", "shutil", "tempfile", "sqlite3", "multiprocessing",
                     "concurrent", "artpipe.files", "artpipe.run", "artpipe.tasks", "artpipe.cli", "artpipe.api",
                     "artpipe.jobs"}
WRITE_CALLS = {"write_text", "write_bytes", "unlink", "mkdir", "touch", "rename", "rmdir", "symlink_to", "chmod"}


def imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("rel", PURE)
def test_pure_modules_do_no_io(rel: str) -> None:
    tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
    bad = {m for m in imported(tree) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_MODULES)}
    assert not bad, f"{rel} imports {bad}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            assert not (isinstance(func, ast.Name) and func.id == "open"), f"{rel}:{node.lineno} calls open()"
            assert not (isinstance(func, ast.Attribute) and func.attr in WRITE_CALLS), \
                f"{rel}:{node.lineno} calls .{func.attr}()"


def test_only_effect_modules_write() -> None:
    writers = set()
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Attribute) and n.attr in ("replace", "fsync") and isinstance(n.value, ast.Name)
               and n.value.id == "os" for n in ast.walk(tree)):
            writers.add(str(path.relative_to(PKG)))
    assert writers == {"files.py"}


def test_core_never_imports_click() -> None:
    users = {str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
             if "click" in imported(ast.parse(p.read_text(encoding="utf-8")))}
    assert users == {"cli.py", "cli_common.py", "cli_inbox.py", "cli_presets.py", "cli_fonts.py", "cli_studio.py"}


def test_every_subpackage_is_packaged() -> None:
    import tomllib
    config = tomllib.loads((PKG.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PKG.parent).parts) for p in PKG.rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"


SHELLS = {"__init__.py", "cli.py", "cli_presets.py", "cli_inbox.py", "cli_fonts.py", "cli_studio.py"}


def test_only_the_shells_call_the_api_facade() -> None:
    """The API is the top: components (the inbox, the executors, ...) never call up into it; only the shells do
    (the command line and the studio)."""
    users = {str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
             if "artpipe.api" in imported(ast.parse(p.read_text(encoding="utf-8")))}
    assert {u for u in users if not u.startswith("studio/")} == SHELLS
    assert "studio/service/context.py" in users  # the studio's service is over the API too


# Below the API and covered by none of its functions: errors, settings, the atomic writer, path containment.
STUDIO_MAY_USE = {"artpipe.api", "artpipe.errors", "artpipe.defaults", "artpipe.files", "artpipe.paths"}


@pytest.mark.parametrize("path", sorted((PKG / "studio").rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_the_studio_calls_the_api_not_what_it_covers(path: Path) -> None:
    """The studio is a shell like the command line: it reaches the engine through artpipe.api only."""
    reached = {m for m in imported(ast.parse(path.read_text(encoding="utf-8")))
               if m.startswith("artpipe") and not m.startswith("artpipe.studio")} - STUDIO_MAY_USE
    assert not reached, f"{path.relative_to(PKG)} reaches past the API into {reached}"


@pytest.mark.parametrize("path", sorted((PKG / "studio" / "service").glob("*.py")), ids=lambda p: p.name)
def test_the_studio_service_has_no_web_code(path: Path) -> None:
    """The studio's rules are tested without a web framework: its service imports none, nor the web layer."""
    web = {"starlette", "anyio", "uvicorn", "httpx", "artpipe.studio.web", "artpipe.studio.app",
           "artpipe.studio.operator", "artpipe.studio.merchant", "artpipe.studio.hosts"}
    reached = {m for m in imported(ast.parse(path.read_text(encoding="utf-8")))
               if any(m == w or m.startswith(w + ".") for w in web)}
    assert not reached, f"service/{path.name} imports {reached}"


def test_imaging_depends_on_nothing_above_it() -> None:
    """Image functions take marketplace rules, templates and jobs as data; they never import them."""
    below = {"artpipe.imaging", "artpipe.errors", "artpipe.defaults", "artpipe.files", "artpipe.colors",
             "artpipe.reasons"}
    for path in (PKG / "imaging").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        above = {m for m in imported(tree) if m.startswith("artpipe") and not any(
            m == b or m.startswith(b + ".") for b in below)}
        assert not above, f"imaging/{path.name} imports {above}"


@pytest.mark.parametrize("rel", ["cli.py", "cli_inbox.py", "cli_presets.py", "cli_fonts.py", "cli_studio.py"])
def test_the_command_line_calls_the_api_only(rel: str) -> None:
    """The commands are a thin layer: everything they do goes through artpipe.api (their option helpers aside)."""
    tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
    allowed = {"artpipe.api", "artpipe.cli_common", "artpipe.cli_inbox", "artpipe.cli_presets", "artpipe.cli_fonts",
               "artpipe.cli_studio",
               "artpipe.errors",
               "artpipe.studio",  # serve starts the studio, the other shell over the same API
               "artpipe.version"}
    reached = {m for m in imported(tree) if m.startswith("artpipe")} - allowed
    assert not reached, f"{rel} reaches past the API into {reached}"


@pytest.mark.parametrize("rel", ["tasks.py", "executors.py", "run.py", "batch.py"])
def test_workers_get_their_context_from_the_task_not_module_state(rel: str) -> None:
    """No module-level dict or list that a caller fills in for the worker (shipped files, absolute paths):
    what a task needs travels with the task."""
    tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        assert not isinstance(value, ast.Dict | ast.List | ast.Set), f"{rel}:{node.lineno} holds module state"


def module_graph() -> dict[str, set[str]]:
    """Every artpipe module and the artpipe modules it imports (``from artpipe.x import y`` counts as x.y when
    that is a module)."""
    modules = {".".join(p.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("artpipe"):
                deps |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                         for a in node.names}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("artpipe")}
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def test_no_module_imports_itself_through_others() -> None:
    """Dependencies point one way: no import cycle among artpipe's modules."""
    graph = module_graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for dep in sorted(graph[name]):
            assert dep not in path, "import cycle: " + " -> ".join([*path[path.index(dep):], dep])
            if dep not in done:
                visit(dep, [*path, dep])
        done.add(name)

    for name in sorted(graph):
        visit(name, [name])


def test_layers_see_only_the_template_model_never_its_loader() -> None:
    """A template's data (model, fields, layout) sits below the layers; loading a template sits above them, so
    the two packages never form a cycle."""
    graph = module_graph()
    data = {"artpipe.template.model", "artpipe.template.fields", "artpipe.template.layout"}
    for name, deps in graph.items():
        if name.startswith("artpipe.layers"):
            reached = {d for d in deps if d.startswith("artpipe.template")} - data
            assert not reached, f"{name} imports {reached}"
        if name in data:
            assert not {d for d in deps if d.startswith("artpipe.layers")}, f"{name} imports the layers"


def test_the_studio_app_keeps_its_old_import_path() -> None:
    """``from artpipe.api import studio_app`` worked before the studio moved behind the API; it still does."""
    from artpipe.api import studio_app
    from artpipe.studio import studio_app as moved

    assert studio_app is moved
