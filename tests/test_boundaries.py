"""The architecture's boundaries, enforced by reading imports and calls (see DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "artpipe"
PURE = [
    "colors.py", "run/render.py", "template/layout.py", "template/fields.py", "template/model.py",
    "text/breaking.py", "text/fit.py", "imaging/normalize.py", "imaging/color.py", "imaging/analyze.py",
    "imaging/encode.py", "imaging/gradient.py", "imaging/place.py", "imaging/checks.py", "imaging/isolate.py",
    "imaging/matting.py", "imaging/backdrop.py", "imaging/geometry.py", "imaging/formats.py", "paths.py", "naming.py",
    "imaging/cutouts.py",
    *[f"layers/{p.name}" for p in (PKG / "layers").glob("*.py")],
]
FORBIDDEN_MODULES = {"click", "watchdog", "logging", "subprocess", "shutil", "tempfile", "sqlite3", "multiprocessing",
                     "concurrent", "artpipe.files", "artpipe.run.pool", "artpipe.run.tasks", "artpipe.cli",
                     "artpipe.api", "artpipe.run.jobs"}
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
    assert users == {"cli/commands.py", "cli/common.py", "cli/inbox.py", "cli/presets.py", "cli/fonts.py",
                     "cli/studio.py"}


def test_every_subpackage_is_packaged() -> None:
    import tomllib
    config = tomllib.loads((PKG.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PKG.parent).parts) for p in PKG.rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"


SHELLS = {"__init__.py", "cli/commands.py", "cli/presets.py", "cli/inbox.py", "cli/fonts.py", "cli/studio.py"}


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
             "artpipe.reasons", "artpipe.workcache", "artpipe.heap"}
    for path in (PKG / "imaging").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        above = {m for m in imported(tree) if m.startswith("artpipe") and not any(
            m == b or m.startswith(b + ".") for b in below)}
        assert not above, f"imaging/{path.name} imports {above}"


# Pure code is given the settings it uses (a typed section of artpipe/defaults.py, or the whole Settings a scene
# or a Work carries): its output depends on its arguments only, and a test passes other rules without patching.
SETTINGS_GIVEN = ("imaging", "layers", "text", "psdimport")
SETTINGS_READERS = {  # the modules of those folders that read the bundled settings themselves, and why
    "imaging/open.py": "safe open decodes a file: the pixel and byte limits guard the decoder (I/O)",
    "imaging/decoding.py": "decodes a file (I/O); the analysis settings default to the bundled ones for callers "
                           "that name none",
    "imaging/segment.py": "loads a segmentation model file and checks its input against the limits (I/O)",
    "layers/template.py": "reads a template file and hands the text defaults to the layer parsers (a loader)",
    "psdimport/read.py": "opens a PSD file; its limits default to the bundled ones for callers that name none (I/O)",
    "psdimport/build.py": "the import's driver: reads the settings once and hands them to every step",
}


def settings_reads(tree: ast.AST) -> list[int]:
    """The lines that reach the bundled settings: ``settings``, ``setting`` or ``defaults`` imported from
    artpipe.defaults (the typed sections, ``TextSettings`` and the like, are only types)."""
    readers = {"settings", "setting", "defaults"}
    named = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module ==
             "artpipe.defaults" for a in n.names if a.name in readers}
    modules = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
               if a.name == "artpipe.defaults"}
    return sorted({n.lineno for n in ast.walk(tree) if (isinstance(n, ast.Name) and n.id in named) or (
        isinstance(n, ast.Attribute) and n.attr in readers and ast.unparse(n.value) in modules)})


def test_pure_code_is_given_its_settings() -> None:
    readers = {}
    for folder in SETTINGS_GIVEN:
        for path in sorted((PKG / folder).rglob("*.py")):
            rel = path.relative_to(PKG).as_posix()
            lines = settings_reads(ast.parse(path.read_text(encoding="utf-8")))
            if lines:
                readers[rel] = lines
    unexplained = {rel: lines for rel, lines in readers.items() if rel not in SETTINGS_READERS}
    assert not unexplained, f"pure modules read the settings instead of being given them: {unexplained}"
    assert set(SETTINGS_READERS) <= set(readers), f"no longer reads them: {set(SETTINGS_READERS) - set(readers)}"


def test_the_settings_check_finds_every_way_in() -> None:
    found = settings_reads(ast.parse("from artpipe.defaults import settings as s, TextSettings\n"
                                     "import artpipe.defaults as d\n"
                                     "def f(t: TextSettings) -> float:\n"
                                     "    return s().text.baseline + d.setting('text', 'baseline') + t.baseline\n"))
    assert found == [4]


@pytest.mark.parametrize("rel", ["cli/commands.py", "cli/inbox.py", "cli/presets.py", "cli/fonts.py", "cli/studio.py"])
def test_the_command_line_calls_the_api_only(rel: str) -> None:
    """The commands are a thin layer: everything they do goes through artpipe.api (their option helpers aside)."""
    tree = ast.parse((PKG / rel).read_text(encoding="utf-8"))
    allowed = {"artpipe.api", "artpipe.cli.common", "artpipe.cli.inbox", "artpipe.cli.presets", "artpipe.cli.fonts",
               "artpipe.cli.studio",
               "artpipe.errors",
               "artpipe.studio",  # serve starts the studio, the other shell over the same API
               "artpipe.version"}
    reached = {m for m in imported(tree) if m.startswith("artpipe")} - allowed
    assert not reached, f"{rel} reaches past the API into {reached}"


@pytest.mark.parametrize("rel", ["run/tasks.py", "run/executors.py", "run/pool.py", "run/batch.py"])
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


def test_layers_see_the_template_data_and_read_templates_at_their_top() -> None:
    """``template/`` is what a template is (model, fields, layout) and where its files are (find, inherit): it never
    imports the layers. Reading a template into its layers is ``layers/template.py``, which no layer imports."""
    graph = module_graph()
    for name, deps in graph.items():
        if name.startswith("artpipe.template") and not is_shim(name):
            assert not {d for d in deps if d.startswith("artpipe.layers")}, f"{name} imports the layers"
        if name.startswith("artpipe.layers"):
            assert "artpipe.layers.template" not in deps, f"{name} imports the template loader"


# Which folders each folder's modules may import (the root's modules are not a folder: they may be imported from
# anywhere they do not form a cycle, which test_no_module_imports_itself_through_others checks). Read down: the
# shells (cli, studio) over the components (inbox, workbench) over the run over the report over the layers over
# the template data and the image and text functions. A new arrow is added here on purpose, never upward.
FOLDERS_MAY_IMPORT: dict[str, set[str]] = {
    "imaging": set(),
    "text": set(),
    "fonts": set(),
    "models": set(),
    "template": {"imaging"},
    "presets": {"imaging", "template"},
    "layers": {"imaging", "template", "text"},
    "psdimport": {"layers", "text"},
    "report": {"imaging", "presets", "template", "text"},
    "run": {"imaging", "layers", "presets", "report", "template", "text"},
    "inbox": {"layers", "report", "run", "template"},
    "workbench": {"imaging", "layers", "psdimport", "report", "run", "template", "text",
                  "studio"},  # studio/sheets.py: the uploaded-sheet reader both read products with
    "studio": set(),  # through artpipe.api only (test_the_studio_calls_the_api_not_what_it_covers)
    "cli": {"report", "run", "studio"},  # common.py's executor options and outcome lines; serve starts the studio
}


def is_shim(module: str) -> bool:
    """An old module path kept importable: it only re-exports the module it moved to (tests/test_moved_paths.py)."""
    path = PKG.parent / (module.replace(".", "/") + ".py")
    return path.is_file() and path.read_text(encoding="utf-8").startswith('"""Moved to ``')


def folder_graph() -> dict[str, set[str]]:
    """Each folder of artpipe and the other folders its modules import (old paths kept for users left out)."""
    graph: dict[str, set[str]] = {p.name: set() for p in PKG.iterdir() if (p / "__init__.py").is_file()}
    for name, deps in module_graph().items():
        parts = name.split(".")
        if len(parts) < 3 or parts[1] not in graph or is_shim(name):
            continue
        graph[parts[1]] |= {d.split(".")[1] for d in deps if d.count(".") >= 1 and d.split(".")[1] in graph} - {
            parts[1]}
    return graph


def test_every_folder_has_its_row() -> None:
    assert set(folder_graph()) == set(FOLDERS_MAY_IMPORT)


@pytest.mark.parametrize("folder", sorted(FOLDERS_MAY_IMPORT))
def test_folders_import_only_downward(folder: str) -> None:
    reached = folder_graph()[folder] - FOLDERS_MAY_IMPORT[folder]
    assert not reached, f"artpipe/{folder}/ imports {sorted(reached)}: not below it (FOLDERS_MAY_IMPORT)"


def test_no_import_cycle_between_folders() -> None:
    """The arrows allowed between folders, and so the imports, point one way: the table has no cycle."""
    left = dict(FOLDERS_MAY_IMPORT)
    while left:
        bottom = {f for f, deps in left.items() if not deps & set(left)}
        assert bottom, f"folders import each other in a circle: {sorted(left)}"
        left = {f: deps for f, deps in left.items() if f not in bottom}


def test_nothing_imports_the_command_line() -> None:
    """The command line is the top: only ``python -m artpipe`` (and the console script, by name) start it."""
    users = {name for name, deps in module_graph().items()
             if any(d == "artpipe.cli" or d.startswith("artpipe.cli.") for d in deps)
             and not name.startswith("artpipe.cli") and not is_shim(name)}
    assert users == {"artpipe.__main__"}


def test_below_the_run_nothing_reaches_up() -> None:
    """The brief rule of the table above, said outright: image, text, template and layer code never import the
    run, the report or a shell; the run never imports a shell."""
    graph = folder_graph()
    for low in ("imaging", "text", "template", "layers"):
        assert not graph[low] & {"run", "report", "cli", "studio", "inbox", "workbench"}, low
    assert not graph["run"] & {"cli", "studio", "inbox", "workbench"}
    assert not graph["report"] & {"run", "cli", "studio", "inbox", "workbench"}


def test_the_studio_app_keeps_its_old_import_path() -> None:
    """``from artpipe.api import studio_app`` worked before the studio moved behind the API; it still does."""
    from artpipe.api import studio_app
    from artpipe.studio import studio_app as moved

    assert studio_app is moved
