"""Templates as immutable data: what a YAML template says, validated and resolved per size."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FIELD_TYPES = ("image", "text", "color", "font")
ROLES = ("product", "promo", "price", "logo", "decoration")
FITS = ("contain", "cover", "fill")
ANCHORS = ("center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class Length:
    """A length in pixels, or a percentage of the canvas side it runs along."""

    value: float
    percent: bool = False

    def pixels(self, total: int) -> int:
        """Resolve against the canvas side ``total`` (pixels), rounding half away from zero."""
        raw = total * self.value / 100 if self.percent else self.value
        return int(raw + 0.5) if raw >= 0 else -int(-raw + 0.5)


@dataclass(frozen=True)
class Box:
    """Any two of left/right/width and any two of top/bottom/height (see layout.resolve_box).

    ``aspect`` (width / height) derives a missing width from the height or a missing height from the
    width, so a round badge stays round in every size.
    """

    left: Length | None = None
    right: Length | None = None
    width: Length | None = None
    top: Length | None = None
    bottom: Length | None = None
    height: Length | None = None
    aspect: float | None = None
    min_width: Length | None = None
    max_width: Length | None = None
    min_height: Length | None = None
    max_height: Length | None = None


@dataclass(frozen=True)
class Visibility:
    """When a layer is drawn: each of its fields is filled, and the canvas is one of these sizes or within limits."""

    fields: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    min_width: int = 0
    min_height: int = 0
    max_width: int | None = None
    max_height: int | None = None


@dataclass(frozen=True)
class Rect:
    """A resolved box in canvas pixels."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class Size:
    """A named output size; the first size of a template is its design size."""

    name: str
    width: int
    height: int


@dataclass(frozen=True)
class Field:
    """Data a job supplies: an image path, a text, a colour or a font file (a merchant's brand font)."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class Gradient:
    """Colours spread evenly: along ``angle`` degrees (linear; 0 = left to right, 90 = top down), or from the
    centre outwards (radial)."""

    colors: tuple[str, ...]
    angle: float = 0.0
    kind: str = "linear"


@dataclass(frozen=True)
class Background:
    """Exactly one of colour, gradient or image (a template-relative file)."""

    color: str | None = None
    gradient: Gradient | None = None
    image: str | None = None
    fit: str = "cover"


@dataclass(frozen=True)
class Shadow:
    """A shadow: a soft drop shadow (offset, blur radius in pixels, colour with alpha), or with ``kind`` contact
    a product's contact shadow drawn from its own outline (see imaging/shadow.py)."""

    dx: int = 0
    dy: int = 8
    blur: int = 16
    color: str = "#00000055"
    kind: str = "drop"  # drop or contact


SHADOW_MODES = ("none", "contact")  # a marketplace slot's shadow for product pictures (render.shadow)


@dataclass(frozen=True)
class FontSpec:
    """Which faces, in fallback order (bundled family names or absolute font-file paths), and which weight."""

    family: tuple[str, ...] = ("sans",)
    weight: str = "regular"
    size: int = 32
    min_size: int = 32


@dataclass(frozen=True, kw_only=True)
class Layer:
    """What every layer kind has; kinds subclass this (see artpipe.layers)."""

    name: str
    type: str
    box: Box
    role: str = "decoration"
    visible_if: Visibility | None = None
    opacity: float = 1.0
    origin: str = ""  # "file:line" of the layer in its YAML, for render-time messages


@dataclass(frozen=True)
class Template:
    """A loaded template: sizes, fields, background and its layers resolved per size (overrides applied)."""

    name: str
    description: str
    path: Path
    root: Path
    sizes: tuple[Size, ...]
    fields: dict[str, Field]
    background: Background
    layers: dict[str, tuple[Layer, ...]] = field(default_factory=dict)
    assets: tuple[str, ...] = ()  # absolute paths of the template files the layers and background use
    fonts: tuple[str, ...] = ()  # those of them that are fonts

    @property
    def images(self) -> tuple[str, ...]:
        """The template's own image files (logo, background): its files that are not fonts."""
        return tuple(a for a in self.assets if a not in self.fonts)

    def size(self, name: str) -> Size:
        """The size called ``name`` (KeyError if there is none)."""
        for size in self.sizes:
            if size.name == name:
                return size
        raise KeyError(name)

    @property
    def size_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sizes)
