"""Walk a Photoshop document's layers into pieces (one list per artboard) and report notes, top to bottom of
the naming convention: ``{product}`` or a smart object is the product slot, ``{field}`` binds a field, text
layers stay text, everything else is fixed art."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import Image
from psd_tools import PSDImage
from psd_tools.api.layers import Artboard, Group, Layer, ShapeLayer, TypeLayer
from psd_tools.constants import BlendMode

from artpipe.defaults import PsdSettings
from artpipe.psdimport.pieces import Action, Kind, Note, Piece, Rect
from artpipe.psdimport.shapes import read_shape
from artpipe.psdimport.text import read_text

FIELD_NAME = re.compile(r"^\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")
DRAWN_BLENDS = (BlendMode.NORMAL, BlendMode.PASS_THROUGH)  # what artpipe composites: plain alpha over


@dataclass(frozen=True)
class Canvas:
    """One size of the design: the whole document, or one artboard."""

    name: str
    width: int
    height: int
    pieces: tuple[Piece, ...]


@dataclass
class _Walk:
    psd: PSDImage
    size: str
    frame: Rect  # the canvas or artboard in document pixels; nothing outside it is seen
    folder_fonts: tuple[str, ...]
    rules: PsdSettings
    pieces: list[Piece] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    below: list[Layer] = field(default_factory=list)  # fixed art drawn so far, for flattening
    has_product: bool = False

    def note(self, source: str, action: Action, detail: str) -> None:
        self.notes.append(Note(source, action, detail, self.size))

    @property
    def origin(self) -> tuple[int, int]:
        return self.frame[0], self.frame[1]

    def visible(self, bbox: Rect) -> Rect:
        """The part of ``bbox`` inside the frame: what is composited (never more than the canvas holds)."""
        f = self.frame
        return max(bbox[0], f[0]), max(bbox[1], f[1]), min(bbox[2], f[2]), min(bbox[3], f[3])

    def box(self, bbox: Rect) -> Rect:
        ox, oy = self.origin
        return bbox[0] - ox, bbox[1] - oy, bbox[2] - ox, bbox[3] - oy


def slug(name: str) -> str:
    """A layer or size name as a plain template name (letters, digits, dashes)."""
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-_") or "layer"


def canvases(psd: PSDImage, folder_fonts: tuple[str, ...], rules: PsdSettings) -> tuple[list[Canvas], list[Note]]:
    """Every size of the design with its pieces, and the report's notes (artboards become sizes); ``rules``:
    the import's settings (``psd:`` in defaults.yaml)."""
    boards = [layer for layer in psd if isinstance(layer, Artboard)]
    if not boards:
        walk = _Walk(psd, "", (0, 0, psd.width, psd.height), folder_fonts, rules)
        _walk_group(walk, list(psd), "", 1.0)
        if not len(psd):
            _merged(walk)
        return [Canvas("design", psd.width, psd.height, tuple(walk.pieces))], walk.notes
    out: list[Canvas] = []
    notes: list[Note] = []
    used: set[str] = set()
    for layer in psd:
        if not isinstance(layer, Artboard):
            notes.append(Note(layer.name, Action.SKIPPED, "outside every artboard"))
            continue
        name = unique(slug(layer.name), used)
        left, top, right, bottom = layer.bbox
        walk = _Walk(psd, name, (left, top, right, bottom), folder_fonts, rules)
        _walk_group(walk, list(layer), layer.name + "/", 1.0)
        out.append(Canvas(name, right - left, bottom - top, tuple(walk.pieces)))
        notes.extend(walk.notes)
    return out, notes


def unique(name: str, used: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``... when ``used`` has it already; the result is added to ``used``."""
    n, out = 2, name
    while out in used:
        out, n = f"{name}-{n}", n + 1
    used.add(out)
    return out


def _walk_group(walk: _Walk, layers: list[Layer], prefix: str, opacity: float) -> None:
    for layer in layers:  # psd-tools lists a group's layers bottom first, the order artpipe draws them
        source = prefix + layer.name
        if layer.clipping:
            continue  # drawn with the layer it is clipped to (see _art)
        if not layer.visible:
            walk.note(source, Action.SKIPPED, "hidden")
            continue
        _walk_layer(walk, layer, source, opacity)


def _walk_layer(walk: _Walk, layer: Layer, source: str, opacity: float) -> None:
    """One visible layer; ``opacity`` is what the groups around it multiply its own by."""
    bound = FIELD_NAME.match(layer.name)
    name = bound.group(1) if bound else None
    alpha = opacity * layer.opacity / 255
    if layer.blend_mode not in DRAWN_BLENDS:
        _flatten(walk, layer, source, f"blend mode {layer.blend_mode.name.lower()} is not drawn by artpipe")
        return
    if layer.kind == "adjustment":
        _flatten(walk, layer, source, "adjustment layers are baked into the art below them")
        return
    if isinstance(layer, Group) and name is None and not layer.has_clip_layers():
        _walk_group(walk, list(layer), source + "/", alpha)
        return
    slot = layer.kind == "smartobject" and not walk.has_product
    if name is None and isinstance(layer, ShapeLayer) and not layer.has_clip_layers() and \
            _shape(walk, layer, source, alpha):
        return
    if name is None and not slot and (not isinstance(layer, TypeLayer) or layer.has_effects()):
        _art(walk, layer, source, opacity)  # the layer's own opacity is in its composite; a styled text too
        return
    if name is not None and layer.has_effects():
        walk.note(f"{source} (effects)", Action.SKIPPED, "layer effects are not drawn on a field (add a stroke or "
                  "shadow in the YAML)")
    if layer.has_clip_layers():  # a slot or text has no pixels to clip to: what was clipped to it is left out
        for clipped in layer.clip_layers:
            walk.note(f"{source} > {clipped.name}", Action.SKIPPED, "clipped to a text or field layer: not drawn")
    if name == "product" or (name is None and layer.kind == "smartobject"):
        walk.has_product = True
        walk.pieces.append(Piece("product", source, Kind.PRODUCT, walk.box(layer.bbox), "product",
                                 layer.composite(), opacity=alpha))
        walk.note(source, Action.MAPPED, "the product image slot")
    elif isinstance(layer, TypeLayer):
        _text(walk, layer, source, name, alpha)
    else:
        walk.pieces.append(Piece(str(name), source, Kind.IMAGE, walk.box(layer.bbox), name, layer.composite(),
                                 opacity=alpha))
        walk.note(source, Action.MAPPED, f"image field {name}")


def _shape(walk: _Walk, layer: ShapeLayer, source: str, opacity: float) -> bool:
    """A plain rectangle, rounded rectangle or ellipse becomes a shape layer; False leaves it to be fixed art."""
    found = read_shape(layer, (walk.psd.width, walk.psd.height), walk.origin, walk.rules.shape_tolerance_px)
    if found is None:
        return False
    spec, box = found
    walk.pieces.append(Piece(slug(layer.name), source, Kind.SHAPE, box, shape=spec,
                             opacity=opacity * layer.fill_opacity / 255))
    walk.below.append(layer)
    filled = f"filled {spec.fill}" if spec.fill else "not filled"
    stroked = f", stroke {spec.stroke} {spec.stroke_px} px" if spec.stroke else ""
    walk.note(source, Action.MAPPED, f"shape {spec.shape} {filled}{stroked}")
    return True


def _text(walk: _Walk, layer: TypeLayer, source: str, name: str | None, opacity: float) -> None:
    spec, box, substituted = read_text(layer, walk.origin, walk.folder_fonts)
    label = f"text field {name}" if name else "text"
    mixed = f"; {spec.other_runs} run(s) in another colour, font or size are drawn in the first run's style" \
        if spec.other_runs else ""
    walk.pieces.append(Piece(name or slug(layer.name), source, Kind.TEXT, box, name, None, spec, opacity=opacity))
    if substituted:
        walk.note(source, Action.SUBSTITUTED, f"{label}; font {substituted} is not bundled or in the template "
                  f"folder: set in {spec.family} {spec.weight} (put the font file in the folder and import again)"
                  + mixed)
    else:
        walk.note(source, Action.MAPPED, f"{label} in {spec.family} {spec.weight}, {spec.size_px:.0f} px{mixed}")


def _art(walk: _Walk, layer: Layer, source: str, opacity: float) -> None:
    """Fixed art: the layer as Photoshop composites it (mask, effects, opacity, clipped layers), trimmed; the
    opacity of the groups around it stays a number in the template."""
    # psd-tools composites a layer within its own box; a drop shadow or an outer stroke reaches past it
    area = walk.visible(walk.frame if layer.has_effects() else layer.bbox)
    # an empty layer (a 0x0 box, as Photoshop saves a layer nothing was drawn on) is not composited: psd-tools
    # refuses a zero-sized viewport
    trimmed = _trim(layer.composite(viewport=area), area) if _has_area(area) else None
    if trimmed is None:
        walk.note(source, Action.SKIPPED, "no visible pixels")
        return
    image, bbox = trimmed
    walk.pieces.append(Piece(slug(layer.name), source, Kind.ART, walk.box(bbox), None, image, opacity=opacity))
    walk.below.append(layer)
    clipped = " with the layers clipped to it" if layer.has_clip_layers() else ""
    walk.note(source, Action.MAPPED, f"fixed art{clipped}")


def _merged(walk: _Walk) -> None:
    """A file saved without layers (a flattened image, or a PSD written by a tool that keeps only the merged
    picture) is one piece of fixed art: its merged image."""
    area = walk.frame
    trimmed = _trim(walk.psd.composite(), area) if _has_area(area) else None
    if trimmed is None:
        walk.note("(merged image)", Action.SKIPPED, "the file has no layers and its merged image is empty")
        return
    image, bbox = trimmed
    walk.pieces.append(Piece("image", "(merged image)", Kind.ART, walk.box(bbox), None, image))
    walk.note("(merged image)", Action.MAPPED, "fixed art: the file has no layers, its merged image is used")


def _flatten(walk: _Walk, layer: Layer, source: str, why: str) -> None:
    """A layer artpipe cannot draw is baked, with the fixed art below it, into one picture over its box."""
    inside = list(layer.descendants()) if isinstance(layer, Group) else []
    keep = {id(x) for x in (*walk.below, layer, *inside)}

    def allowed(x: Layer) -> bool:
        return id(x) in keep or (x.is_group() and not FIELD_NAME.match(x.name))

    area = walk.visible(layer.bbox)
    trimmed = _trim(walk.psd.composite(viewport=area, layer_filter=allowed), area) if _has_area(area) else None
    if trimmed is None:
        walk.note(source, Action.SKIPPED, f"no visible pixels ({why})")
        return
    image, bbox = trimmed
    walk.pieces.append(Piece(slug(layer.name), source, Kind.ART, walk.box(bbox), None, image))
    walk.below.append(layer)
    walk.note(source, Action.FLATTENED, f"{why}: flattened with the art below into fixed art")


def _has_area(bbox: Rect) -> bool:
    return bbox[2] > bbox[0] and bbox[3] > bbox[1]


def _trim(picture: Image.Image | None, bbox: Rect) -> tuple[Image.Image, Rect] | None:
    if picture is None:
        return None
    rgba = picture.convert("RGBA")
    ink = rgba.getchannel("A").getbbox()
    if ink is None:
        return None
    left, top = bbox[0], bbox[1]
    return rgba.crop(ink), (left + ink[0], top + ink[1], left + ink[2], top + ink[3])
