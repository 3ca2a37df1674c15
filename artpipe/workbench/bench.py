"""The template workbench's work, without the web: which templates there are, a template's text checked as
``validate`` checks it (every problem with its line and column), every size rendered by the engine with the layer
boxes drawn and the texts that do not fit marked, a box moved in the text, and the text saved into the
workspace's ``templates/`` (never over a bundled template, never outside that folder).

Renders and checks read fonts and photos: the studio calls these in a thread, never on its event loop.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.defaults import settings
from artpipe.errors import ConfigError, InputError, Problem, RenderError
from artpipe.files import write_atomic, write_text_atomic
from artpipe.imaging.normalize import Asset
from artpipe.layers import Scene
from artpipe.layers.template import load_template
from artpipe.paths import UnsafePath, inside
from artpipe.psdimport.folder import import_psd
from artpipe.reasons import WarningKind
from artpipe.report.proof import draw_boxes
from artpipe.run import painted
from artpipe.run.render import _background, composite, field_values, slot_layers
from artpipe.template.find import bundled_dir, bundled_templates
from artpipe.template.layout import resolve_box
from artpipe.template.model import Rect, Template
from artpipe.text.fonts import get_font
from artpipe.workbench.boxedit import percent_box, pin_of, set_box
from artpipe.workbench.overlap import Boxed, covering
from artpipe.workbench.samples import Sample, sample_images

TEMPLATES = "templates"  # the workspace folder of its own templates
PREVIEW_SIDE = (480, 380)  # a size's preview fits in this (width, height): small to send, quick to encode
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_MARK = (214, 0, 28)  # a text that does not fit: outlined in red over the boxes


@dataclass(frozen=True)
class TemplateRef:
    """A template the workbench can open: ``bundled`` ones are read only (saving makes a workspace copy)."""

    name: str
    file: Path
    bundled: bool

    @property
    def key(self) -> str:
        """How the page names it: ``ws:NAME`` or ``bundled:NAME``."""
        return f"{'bundled' if self.bundled else 'ws'}:{self.name}"


@dataclass(frozen=True)
class LayerView:
    """A layer's box at one size in that size's pixels, and why its text does not fit ("" when it does)."""

    name: str
    type: str
    x: int
    y: int
    w: int
    h: int
    aspect: float | None
    note: str = ""
    covers: str = ""  # what of a product slot or a text this layer's box lies over, in words ("" when nothing)


@dataclass(frozen=True)
class SizeView:
    """One size rendered: a small PNG (``scale`` of the size's pixels) with the boxes drawn, and its layers."""

    name: str
    width: int
    height: int
    scale: float
    png: bytes
    layers: tuple[LayerView, ...]


@dataclass(frozen=True)
class Checked:
    """A template's text checked: its problems (none: ``template`` is loaded), and every size rendered."""

    problems: tuple[Problem, ...]
    sizes: tuple[SizeView, ...] = ()


class WorkbenchError(ValueError):
    """A request the workbench refuses (an unknown template, a name that is no folder name); one line."""


def valid_name(name: str) -> str:
    """``name`` when it can be a template folder's name (letters, digits, ``-`` and ``_``, at most 64), else
    WorkbenchError saying so."""
    if not _NAME.fullmatch(name):
        msg = f"'{name[:80]}' cannot name a template: use letters, digits, - and _ (at most 64), e.g. spring-banner"
        raise WorkbenchError(msg)
    return name


def templates_dir(root: Path) -> Path:
    """The workspace's own templates folder."""
    return root / TEMPLATES


def list_templates(root: Path) -> list[TemplateRef]:
    """The workspace's templates (folders holding ``template.yaml``), then the bundled ones."""
    folder = templates_dir(root)
    own = [TemplateRef(p.name, p / "template.yaml", False) for p in sorted(folder.iterdir())
           if _NAME.fullmatch(p.name) and (p / "template.yaml").is_file()] if folder.is_dir() else []
    return own + [TemplateRef(name, file, True) for name, file in bundled_templates().items()]


def find_ref(root: Path, key: str) -> TemplateRef:
    """The template a page names (``ws:NAME`` or ``bundled:NAME``); WorkbenchError when there is none."""
    kind, _, name = key.partition(":")
    for ref in list_templates(root):
        if ref.key == f"{kind}:{name}":
            return ref
    msg = f"no template '{key[:80]}'; choose one from the list"
    raise WorkbenchError(msg)


def display_name(root: Path, ref: TemplateRef) -> str:
    """The file as messages name it: ``templates/NAME/template.yaml`` (bundled: ``NAME/template.yaml``)."""
    return f"{ref.name}/{ref.file.name}" if ref.bundled else f"{TEMPLATES}/{ref.name}/{ref.file.name}"


def load_text(ref: TemplateRef, text: str, shown: str) -> Template:
    """The template as ``text`` says, read as if its file held it (paths relative to its folder)."""
    return load_template(ref.file, shown, text=text)


def check(ref: TemplateRef, text: str, shown: str, sample: Sample) -> Checked:
    """``text`` checked as ``validate`` does and, when it loads, every size rendered with ``sample``."""
    try:
        template = load_text(ref, text, shown)
    except ConfigError as exc:
        return Checked(exc.problems)
    try:
        images = sample_images(template, sample)
    except InputError as exc:
        return Checked((Problem(shown, 0, 0, "", f"the sample photo: {exc.message}"),))
    return Checked((), tuple(render_size(template, name, sample.values, images, sample.lang)
                             for name in template.size_names))


def render_size(template: Template, size_name: str, values: Mapping[str, str], images: Mapping[str, Asset],
                lang: str | None = None) -> SizeView:
    """One size drawn as ``render`` draws it, except that a text that cannot fit is marked on its layer instead
    of stopping the render: boxes drawn as ``preview --boxes``, misfits outlined in red, shrunk to the preview."""
    size = template.size(size_name)
    config = settings()
    scene = Scene(template, size, field_values(template, values), dict(images), lang=lang, settings=config)
    canvas = _background(scene, False)
    views = []
    drawn: list[Boxed] = []
    for layer, _ in slot_layers(template, size_name, scene):
        rect = resolve_box(layer.box, size.width, size.height)
        note = ""
        try:
            placed = painted.paint(layer, rect, scene)
        except RenderError as exc:
            placed, note = None, exc.message
        if placed is not None:
            composite(canvas, placed)
            kinds = {w.kind for w in placed.warnings}
            if WarningKind.TEXT_TRUNCATED in kinds:
                note = "cut with an ellipsis: the text does not fit"
            elif WarningKind.TEXT_CLIPPED in kinds:
                note = "clipped at the box's edge"
        views.append(LayerView(layer.name, layer.type, rect.x, rect.y, rect.w, rect.h, layer.box.aspect, note))
        if placed is not None or note:  # an empty text (a badge with no words) covers nothing
            drawn.append(Boxed(layer.name, layer.type, layer.role, rect))
    covered = covering(drawn, config.studio.overlap_share)
    views = [replace(v, covers=covered.get(v.name, "")) for v in views]
    marked = _marked(draw_boxes(canvas, template, size_name), [v for v in views if v.note])
    scale = min(1.0, PREVIEW_SIDE[0] / size.width, PREVIEW_SIDE[1] / size.height)
    small = marked.convert("RGB").resize((max(1, round(size.width * scale)), max(1, round(size.height * scale))),
                                        Image.Resampling.BILINEAR, reducing_gap=2.0)
    buffer = io.BytesIO()
    small.save(buffer, "PNG", compress_level=1)  # speed over bytes: a preview is sent once and replaced
    return SizeView(size_name, size.width, size.height, scale, buffer.getvalue(), tuple(views))


def _marked(image: Image.Image, misfits: list[LayerView]) -> Image.Image:
    """``image`` with each misfit's box outlined thick in red and a warning sign in its corner."""
    if not misfits:
        return image
    out = image.copy()
    draw = ImageDraw.Draw(out)
    side = max(3, min(out.size) // 120)
    font = get_font("sans", "bold", max(14, min(out.size) // 16))
    for v in misfits:
        r = Rect(v.x, v.y, max(v.w, 1), max(v.h, 1))
        draw.rectangle((r.x, r.y, r.x + r.w - 1, r.y + r.h - 1), outline=(*_MARK, 255), width=side)
        draw.text((r.x + r.w - side, r.y + side), "!", font=font, fill=(*_MARK, 255), anchor="ra",
                  stroke_width=max(2, side // 2), stroke_fill=(255, 255, 255, 255))
    return out


def move_box(ref: TemplateRef, text: str, shown: str, size_name: str, layer_name: str,
             rect: tuple[int, int, int, int]) -> str:
    """``text`` with ``layer_name``'s box at ``size_name`` set to ``rect`` (x, y, w, h in the size's pixels),
    in percent, in that size's override; ConfigError when the text does not load (fix it first)."""
    template = load_text(ref, text, shown)
    if size_name not in template.size_names:
        raise ConfigError([Problem(shown, 0, 0, "overrides", f"no size '{size_name[:80]}'")])
    layers = {layer.name: layer for layer in template.layers[size_name]}
    if layer_name not in layers:
        raise ConfigError([Problem(shown, 0, 0, "overrides", f"no layer '{layer_name[:80]}' at size {size_name}")])
    size = template.size(size_name)
    x, y, w, h = rect
    box = layers[layer_name].box  # as this size has it: a box pinned to the right stays pinned to the right
    across, down = pin_of(box.left, box.right, box.width), pin_of(box.top, box.bottom, box.height)
    edited = set_box(text, size_name, layer_name, percent_box(x, y, max(1, w), max(1, h), size.width, size.height,
                                                              box.aspect, across, down), shown)
    load_text(ref, edited, shown)  # what was written must load; a ConfigError here names the line
    return edited


def save(root: Path, ref: TemplateRef, text: str, shown: str, name: str | None = None) -> TemplateRef:
    """Write ``text`` as the workspace template ``name`` (default: the one open), atomically, when it loads.
    A bundled template is never written: saving one makes ``templates/NAME`` with its folder's files (a name
    the workspace has already is refused). ConfigError when the text does not load; WorkbenchError when the
    target is not allowed."""
    target_name = valid_name(name or ref.name)
    load_text(ref, text, shown)
    try:
        folder = inside(templates_dir(root), target_name)
    except UnsafePath as exc:
        raise WorkbenchError(str(exc)) from None
    if folder.resolve().is_relative_to(bundled_dir().resolve()):
        msg = f"{folder} is artpipe's own templates folder; save into a workspace's templates/ instead"
        raise WorkbenchError(msg)
    if ref.bundled or target_name != ref.name:
        if folder.exists():
            msg = f"the workspace has a template '{target_name}' already; choose another name"
            raise WorkbenchError(msg)
        _copy_files(ref.file.parent, folder)
    write_text_atomic(folder / "template.yaml", text)
    return TemplateRef(target_name, folder / "template.yaml", False)


def _copy_files(source: Path, dest: Path) -> None:
    """Every file of a template folder (art, fonts) but its YAML and previews, each written atomically."""
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and not path.is_symlink() and rel.as_posix() != "template.yaml" \
                and not any(part.startswith(".") for part in rel.parts) and path.name != "preview.png":
            write_atomic(dest / rel, path.read_bytes())
    dest.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class Imported:
    """A PSD imported into the workspace: the template and the import report's counts in words."""

    ref: TemplateRef
    summary: str


def import_design(root: Path, psd: Path, name: str) -> Imported:
    """Import the PSD/PSB at ``psd`` as the new workspace template ``name`` (see docs/psd.md); WorkbenchError when
    the name is taken or is no folder name, InputError when the file is refused (too large, broken, a bomb)."""
    folder = inside(templates_dir(root), valid_name(name))
    if folder.exists():
        msg = f"the workspace has a template '{name}' already; choose another name"
        raise WorkbenchError(msg)
    done = import_psd(psd, folder)
    counts = done.report.get("counts", {})
    said = ", ".join(f"{n} {k}" for k, n in counts.items() if n) if isinstance(counts, dict) else ""
    return Imported(TemplateRef(name, done.template, False), said)


def name_of_upload(filename: str) -> str:
    """A template name made from an uploaded file's name (``Spring Banner.psd`` -> ``spring-banner``)."""
    stem = Path(filename.replace("\\", "/")).stem.lower()
    return re.sub(r"[^a-z0-9_]+", "-", stem).strip("-_")[:64] or "imported"
