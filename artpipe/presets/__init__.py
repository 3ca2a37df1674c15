"""Marketplace presets: data (presets.yaml beside this file), read once and validated like templates.

An agency can add presets or change any number with its own YAML file of the same shape (``extra``):
a preset it names replaces or adds rules by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

from artpipe.imaging.checks import Rule as Rule
from artpipe.imaging.cutouts import MODES
from artpipe.imaging.formats import NAMES, WRITTEN, written_list
from artpipe.schema import Problems, Reader, suggest
from artpipe.template.model import ROLES, SHADOW_MODES, Size
from artpipe.yamlsrc import load_mapping

CONFIDENCE = ("official", "secondary", "unverified")
# rule kind -> the numeric or list keys it takes
RULES: dict[str, tuple[str, ...]] = {
    "size": ("width", "height"), "width": ("min", "max"), "height": ("min", "max"), "long_side": ("min", "max"),
    "pixels": ("max",), "square": (), "formats": ("allowed",), "srgb": (), "bytes": ("min", "max"),
    "white_background": ("share", "max_off_white"), "fill": ("min",), "edge_margin": ("max_px",),
    "subject": ("min_px",),
    "no_overlays": ("roles", "action"), "isolated_product": (), "low_resolution": ("max_upscale",),
    "whole_product": (), "uncertain_cutout": (), "one_subject": (), "no_text": (),
}
CUTOUTS = MODES  # render.cutout: force how a slot shows product photos (the older name)
OVERLAY_ACTIONS = ("drop", "refuse")  # no_overlays: leave such layers out (the default), or refuse the render
FORMATS = NAMES  # what a formats rule may allow (artpipe writes only formats.WRITTEN)


@dataclass(frozen=True)
class Preset:
    """A marketplace image slot: what to render and the rules its file must pass."""

    name: str
    title: str
    width: int
    height: int
    formats: tuple[str, ...]  # what it is written in: the first is the slot's, the others extra files of it
    rules: tuple[Rule, ...]
    template: str | None = None  # the shipped template a request renders into this slot by default
    cutout: str | None = None  # auto, model or never: how this slot shows product photos (None: as layers say)
    shadow: str | None = None  # none or contact: the shadow under product pictures (None: as layers say)

    @property
    def format(self) -> str:
        return self.formats[0]

    def rule(self, kind: str) -> Rule | None:
        return next((r for r in self.rules if r.kind == kind), None)


def _rule(reader: Reader, kind: str) -> Rule | None:
    rules = reader.mapping(kind)
    if rules is None:
        return None
    rules.check_keys((*RULES[kind], "source", "confidence"), ("source", "confidence"))
    params: dict[str, Any] = {}
    for key in RULES[kind]:
        if not rules.has(key):
            continue
        if key == "allowed":
            allowed = [str(v).upper() for v in (rules.sequence(key) or [])]
            for fmt in allowed:
                if fmt not in FORMATS:
                    rules.problem(key, f"'{fmt}' is not one of {', '.join(FORMATS)}")
            params[key] = tuple(allowed)
        elif key == "roles":
            params[key] = tuple(str(v) for v in (rules.sequence(key) or []))
            for role in params[key]:
                if role not in ROLES:
                    rules.problem(key, f"'{role}' is not a layer role ({', '.join(ROLES)})", suggest(role, ROLES))
        elif key == "action":
            params[key] = rules.choice(key, OVERLAY_ACTIONS, "drop")
        else:
            params[key] = rules.number(key, 0, minimum=0)
    return Rule(kind, params, rules.text("source", "") or "", rules.choice("confidence", CONFIDENCE, "unverified"))


def _formats(render: Reader, default: tuple[str, ...]) -> tuple[str, ...]:
    """``render.format``: one format or a list (the slot's first, then extra files of the same image)."""
    names = render.names("format", "a format or a list of formats")
    if names is None:
        return default
    out: list[str] = []
    for raw in names:
        fmt = raw.upper()
        if fmt not in FORMATS:
            render.problem("format", f"'{raw}' is not one of {', '.join(FORMATS)}", suggest(fmt, FORMATS))
        elif fmt not in WRITTEN:
            render.problem("format", f"artpipe does not write {fmt}", f"render this preset as {written_list()} "
                           "(its formats rule may still allow other formats)")
        elif fmt not in out:
            out.append(fmt)
    return tuple(out) or default


def _preset(name: str, reader: Reader, base: Preset | None) -> Preset:
    reader.check_keys(("title", "template", "render", "rules"), () if base else ("title", "render", "rules"))
    render = reader.mapping("render")
    width, height, formats = (base.width, base.height, base.formats) if base else (800, 800, ("JPEG",))
    cutout, shadow = (base.cutout, base.shadow) if base else (None, None)
    if render is not None:
        render.check_keys(("width", "height", "format", "cutout", "shadow"))
        width = render.number("width", width, minimum=1, maximum=20000, integer=True)
        height = render.number("height", height, minimum=1, maximum=20000, integer=True)
        formats = _formats(render, formats)
        cutout = render.choice("cutout", MODES, cutout)
        shadow = render.choice("shadow", SHADOW_MODES, shadow)
    rules = {rule.kind: rule for rule in (base.rules if base else ())}
    listed = reader.mapping("rules")
    if listed is not None:
        listed.check_keys(RULES)
        for kind in listed.node:
            if kind in RULES:
                rule = _rule(listed, kind)
                if rule is not None:
                    rules[kind] = rule
    allowed = rules["formats"].params.get("allowed") if "formats" in rules else None
    for fmt in formats:
        if allowed and fmt not in allowed:
            (render or reader).problem("format" if render else None, f"renders {fmt}, which its formats rule does "
                                       f"not allow ({', '.join(allowed)})", "render an allowed format")
    return Preset(name, reader.text("title", base.title if base else name) or name, width, height, formats,
                  tuple(rules.values()), reader.text("template", base.template if base else None), cutout, shadow)


@dataclass(frozen=True)
class Platform:
    """A marketplace: its name in files (``tmall``), its name for people (``Tmall``) and its presets' names."""

    name: str
    title: str
    presets: tuple[str, ...]


def _platform(sets: Reader, name: str, known: dict[str, Preset], base: Platform | None) -> Platform:
    """One entry of ``platforms``: a list of presets (the older shape) or ``{title: ..., presets: [...]}``."""
    entry = sets.mapping(name) if isinstance(sets.raw(name), dict) else None
    where, key = (entry, "presets") if entry is not None else (sets, name)
    if entry is not None:
        entry.check_keys(("title", "presets"), ("presets",))
    names = [str(n) for n in (where.sequence(key) or [])]
    for n in names:
        if n not in known:
            where.problem(key, f"no preset '{n}'", suggest(n, known))
    title = entry.text("title", None) if entry is not None else None
    return Platform(name, title or (base.title if base else name), tuple(names))


def _read(path: Path, known: dict[str, Preset], platforms: dict[str, Platform]) -> None:
    data = load_mapping(path, "a presets file")
    problems = Problems()
    reader = Reader(data, "", problems)
    reader.check_keys(("presets", "platforms"))
    p = reader.mapping("presets")
    for name in (p.node if p is not None else {}):
        entry = p.mapping(name) if p is not None else None
        if entry is not None:
            known[name] = _preset(name, entry, known.get(name))
    sets = reader.mapping("platforms")
    for platform in (sets.node if sets is not None else {}):
        if sets is not None:
            platforms[platform] = _platform(sets, platform, known, platforms.get(platform))
    problems.raise_if_any()


class Catalog(NamedTuple):
    """The presets by name, and the platform sets (a platform's name -> its presets' names)."""

    presets: dict[str, Preset]
    platforms: dict[str, tuple[str, ...]]


def load_platforms(extra: Path | None = None) -> dict[str, Platform]:
    """The marketplaces by name, in the order presets.yaml lists them, with an agency's file laid over them:
    the one list of platforms (the studio's choices and the proof page's names ask it)."""
    return _load(extra)[1]


def _load(extra: Path | None) -> tuple[dict[str, Preset], dict[str, Platform]]:
    presets: dict[str, Preset] = {}
    platforms: dict[str, Platform] = {}
    _read(Path(str(files("artpipe.presets").joinpath("presets.yaml"))), presets, platforms)
    if extra is not None:
        _read(extra, presets, platforms)
    return presets, platforms


def load_presets(extra: Path | None = None) -> Catalog:
    """The bundled presets and platform sets, with an agency's file laid over them."""
    presets, platforms = _load(extra)
    return Catalog(presets, {name: platform.presets for name, platform in platforms.items()})


def overlay_roles(preset: Preset) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The layer roles a preset's ``no_overlays`` rule forbids: (left out, refused), by its ``action``."""
    rule = preset.rule("no_overlays")
    roles = tuple(rule.params.get("roles", ())) if rule else ()
    return ((), roles) if rule is not None and rule.params.get("action") == "refuse" else (roles, ())


@dataclass(frozen=True)
class Slot:
    """What a preset asks of a render: its canvas, the layer roles it leaves out or refuses, the smallest product
    it accepts and how it shows product photos (see render.render's keyword arguments)."""

    canvas: Size
    drop_roles: tuple[str, ...]
    refuse_roles: tuple[str, ...]
    min_subject_px: int
    cutout: str | None
    shadow: str | None = None

    def render_options(self) -> dict[str, Any]:
        return {"canvas": self.canvas, "drop_roles": self.drop_roles, "refuse_roles": self.refuse_roles,
                "min_subject_px": self.min_subject_px, "cutout": self.cutout, "shadow": self.shadow}


def slot_of(preset: Preset) -> Slot:
    """The render a preset asks for (its canvas in the template's first size's layout)."""
    dropped, refused = overlay_roles(preset)
    subject = preset.rule("subject")
    return Slot(Size(preset.name, preset.width, preset.height), dropped, refused,
                int(subject.params.get("min_px", 0)) if subject else 0, preset.cutout, preset.shadow)


def platform_of(preset: Preset) -> str:
    """The platform a preset belongs to by its name (``tmall.white_bg`` -> ``tmall``)."""
    return preset.name.split(".")[0]


def unknown_preset_hint(name: str, known: list[str]) -> str:
    """What to say about a preset name nobody knows: a near name, or that a presets FILE goes with --presets."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return "that looks like a presets file: pass it with --presets FILE, and name presets with -p"
    return suggest(name, known) or "artpipe presets lists them"


def expand(names: list[str], known: dict[str, Preset], platforms: dict[str, tuple[str, ...]],
           ) -> tuple[dict[str, tuple[Preset, str]], list[str]]:
    """Preset or platform names (a platform stands for its presets) -> {preset name: (preset, the platform it
    was asked through)}, each preset once, in order; and the names that are neither."""
    out: dict[str, tuple[Preset, str]] = {}
    unknown = []
    for name in names:
        if name in platforms:
            for n in platforms[name]:
                out.setdefault(n, (known[n], name))
        elif name in known:
            out.setdefault(name, (known[name], platform_of(known[name])))
        else:
            unknown.append(name)
    return out, unknown

