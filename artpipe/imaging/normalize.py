"""The normalize pipeline: ordered pure steps from a decoded image to an sRGB RGB/RGBA ``Asset``.

    NORMALIZE = (orient, to_8bit, unpalette, to_srgb, to_rgb)

Each step takes and returns a ``Work`` (image + what was done + warnings) and returns its input
unchanged when it does not apply; a test pins the order. Analysis (subject box, backdrop) runs last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PIL import Image

from artpipe.imaging import profiles
from artpipe.imaging.analyze import find_subject
from artpipe.imaging.color import to_srgb_image
from artpipe.imaging.open import Decoded

# EXIF orientation -> the transpose that makes the picture upright (same table as ImageOps.exif_transpose).
_ORIENT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Work:
    """An image on its way through the pipeline."""

    image: Image.Image
    icc: bytes | None = None
    orientation: int = 1
    steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def did(self, image: Image.Image, step: str, *warnings: str, **changes: object) -> Work:
        """A new Work with ``image``, the step recorded and any warnings added."""
        return replace(self, image=image, steps=(*self.steps, step), warnings=(*self.warnings, *warnings),
                       **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Asset:
    """A normalized input: sRGB RGB or RGBA pixels plus what was learned about them. Never mutated."""

    image: Image.Image
    source: str
    format: str
    original_size: tuple[int, int]
    subject: tuple[int, int, int, int]  # left, top, right, bottom of the product in ``image``
    backdrop: tuple[int, int, int] | None  # plain backdrop colour, None for cut-outs and busy photos
    steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def orient(work: Work) -> Work:
    """Apply the EXIF orientation (1-8) so the picture is upright."""
    op = _ORIENT.get(work.orientation)
    if op is None:
        return work
    return work.did(work.image.transpose(op), f"orient:{work.orientation}", orientation=1)


def to_8bit(work: Work) -> Work:
    """Scale 16-bit and 32-bit greyscale to 8 bits (v/257); Pillow's convert would clamp them to white."""
    im = work.image
    if im.mode.startswith("I;16") or im.mode == "I":
        eight = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
        return work.did(eight, f"to_8bit:{im.mode}")
    if im.mode == "F":
        return work.did(im.convert("L"), "to_8bit:F")
    return work


def unpalette(work: Work) -> Work:
    """Palette and 1-bit images become RGB/RGBA; a transparent index becomes alpha 0, never its colour."""
    im = work.image
    if im.mode in ("P", "PA"):
        has_alpha = im.mode == "PA" or "transparency" in im.info
        return work.did(im.convert("RGBA" if has_alpha else "RGB"), f"unpalette:{im.mode}")
    if im.mode == "1":
        return work.did(im.convert("L"), "unpalette:1")
    return work


def to_srgb(work: Work) -> Work:
    """Convert from the embedded ICC profile (or CMYK without one) to sRGB."""
    image, step, warns = to_srgb_image(work.image, work.icc, cmyk_fallback=profiles.cmyk_fallback(),
                                       intent=profiles.intent())
    if step is None:
        return work
    return work.did(image, step, *warns, icc=None)


def to_rgb(work: Work) -> Work:
    """Standardize on RGB or RGBA; an alpha channel that is fully opaque is dropped."""
    im = work.image
    if im.mode in ("LA", "La", "RGBa"):
        im = im.convert("RGBA")
    elif im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGB")
    if im.mode == "RGBA" and im.getchannel("A").getextrema()[0] == 255:
        return work.did(im.convert("RGB"), "to_rgb:opaque_alpha_dropped")
    if im is work.image:
        return work
    return work.did(im, f"to_rgb:{work.image.mode}")


Step = Callable[[Work], Work]
NORMALIZE: tuple[Step, ...] = (orient, to_8bit, unpalette, to_srgb, to_rgb)


def normalize(decoded: Decoded, steps: tuple[Step, ...] = NORMALIZE) -> Asset:
    """Run the pipeline on a decoded image and analyse the result into an Asset."""
    work = Work(decoded.image, decoded.icc, decoded.orientation, warnings=decoded.warnings)
    for step in steps:
        work = step(work)
    subject, backdrop = find_subject(work.image)
    return Asset(work.image, decoded.path, decoded.format, decoded.image.size, subject, backdrop,
                 work.steps, work.warnings)
