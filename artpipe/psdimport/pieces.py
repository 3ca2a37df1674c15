"""What an imported Photoshop layer becomes, and what the import report says about it: plain typed data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PIL import Image

Rect = tuple[int, int, int, int]  # left, top, right, bottom in canvas pixels


class Kind(Enum):
    """The kinds of template layer a Photoshop layer can become."""

    PRODUCT = "product"  # the product image slot ({product}, or the first smart object)
    IMAGE = "image"  # an image field bound to a layer ({logo})
    TEXT = "text"  # a text layer, literal or bound to a text field ({headline})
    ART = "art"  # fixed art: the layer's own pixels exported as a PNG
    SHAPE = "shape"  # a rectangle or ellipse filled with one colour


class Action(Enum):
    """What the import did with a layer, as the report lists it."""

    MAPPED = "mapped"
    SUBSTITUTED = "substituted"  # mapped, with a stand-in (a font)
    FLATTENED = "flattened"  # a blend mode, clipping or adjustment artpipe cannot draw: baked into fixed art
    SKIPPED = "skipped"  # hidden, empty or outside every artboard


@dataclass(frozen=True)
class TextSpec:
    """A Photoshop text layer's settings in artpipe's terms (pixels at the design size)."""

    text: str
    family: str  # a bundled family key or a font file in the template folder
    weight: str  # regular or bold
    size_px: float
    color: str  # "#rrggbb" or "#rrggbbaa"
    align: str  # left, center, right
    max_lines: int
    line_height: float  # multiple of the size
    letter_spacing_pct: float  # of the size; Photoshop's tracking is in 1/1000 em
    other_runs: int = 0  # runs styled apart from the first (another colour, font or size): drawn in its style


@dataclass(frozen=True)
class ShapeSpec:
    """A vector shape artpipe draws itself."""

    shape: str  # rect, rounded or ellipse
    fill: str | None  # "#rrggbb", or None: not filled (a stroke only)
    radius_px: float = 0.0  # a rounded rectangle's corner radius
    stroke: str | None = None  # "#rrggbb" of a solid stroke, drawn inside the box
    stroke_px: int = 0


@dataclass(frozen=True)
class Piece:
    """One template layer made from one Photoshop layer (or a flattened run of them) at one size."""

    name: str  # the template layer's name
    source: str  # the Photoshop layer's path, e.g. "Header/{headline}"
    kind: Kind
    box: Rect
    field: str | None = None
    picture: Image.Image | None = None  # fixed art, or the example for an image field / the product slot
    text: TextSpec | None = None
    shape: ShapeSpec | None = None
    opacity: float = 1.0


@dataclass(frozen=True)
class Note:
    """One line of the import report."""

    layer: str  # the Photoshop layer's path
    action: Action
    detail: str  # what it became, or why not
    size: str = ""  # the artboard, when the design has several
