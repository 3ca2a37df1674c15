"""Where templates are: bundled ones, a workspace's, paths; and how one layer mapping is laid over another."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from artpipe.yamlsrc import YMap

# Keys whose mappings an override merges into (others, like box, are replaced whole).
_DEEP_MERGE = ("font", "stroke", "shadow")


def bundled_dir() -> Path:
    """The folder of templates shipped with artpipe (the repo's templates/ in a source checkout)."""
    # Installed: templates/ is packaged as artpipe/bundled (see pyproject.toml). Ask the regular
    # artpipe package for it: files() on the namespace package would give a MultiplexedPath.
    installed = Path(str(files("artpipe").joinpath("bundled")))
    if installed.is_dir():
        return installed
    # Editable installs and source checkouts do not map templates/ into the package.
    return Path(__file__).resolve().parents[2] / "templates"


def template_file(path: Path) -> Path:
    """A template is a YAML file, or a folder holding ``template.yaml``."""
    return path / "template.yaml" if path.is_dir() else path


def bundled_templates() -> dict[str, Path]:
    """Name -> file of every bundled template, sorted by name."""
    root = bundled_dir()
    found: dict[str, Path] = {}
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if entry.is_dir() and (entry / "template.yaml").is_file():
                found[entry.name] = entry / "template.yaml"
            elif entry.suffix in (".yaml", ".yml"):
                found[entry.stem] = entry
    return found


def find_template(ref: str, search: list[Path]) -> Path | None:
    """Resolve a template reference: a path, else a name in each ``search`` folder, else a bundled name."""
    looks_like_path = "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))
    for base in search:
        candidate = base / ref
        if template_file(candidate).is_file():
            return template_file(candidate)
        for name in (ref, f"{ref}.yaml"):
            if not looks_like_path and template_file(base / "templates" / name).is_file():
                return template_file(base / "templates" / name)
    if not looks_like_path:
        return bundled_templates().get(ref)
    return None


def merge_layer(base: YMap, override: YMap, *, origin: YMap | None = None) -> YMap:
    """``override``'s keys over ``base``'s; ``font``, ``stroke`` and ``shadow`` merge key by key, the rest
    (``box`` among them) is replaced whole."""
    merged = base.merged(override, origin=origin)
    for key in _DEEP_MERGE:
        if isinstance(base.get(key), YMap) and isinstance(override.get(key), YMap):
            merged[key] = base[key].merged(override[key])
    return merged
