"""The normalize pipeline: ordered pure steps from a decoded image to an sRGB RGB/RGBA ``Asset``.

    NORMALIZE = (orient, to_8bit, unpalette, to_srgb, to_rgb, analyze, assess)
    then, as asked: isolate_product, whiten_backdrop, trim, limit_size

``assess`` judges the input (low_resolution, blurry, dark) before any trim or resize of ours.

Each step takes and returns a ``Work`` (image + what was learned + what was done + warnings, and the settings the
steps measure with, given to ``normalize``) and returns its input unchanged when it does not apply; a test pins
the order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from PIL import Image, ImageChops

from artpipe.defaults import NormalizeSettings, Settings
from artpipe.imaging import profiles
from artpipe.imaging.analyze import find_subject, preview, scale_box, shrunk
from artpipe.imaging.backdrop import photo_region, whiten
from artpipe.imaging.color import to_srgb_image
from artpipe.imaging.cutouts import Cutout
from artpipe.imaging.isolate import Isolation, color_path_holds, is_cutout, isolate
from artpipe.imaging.matting import cut_out, work_copy
from artpipe.imaging.open import Decoded
from artpipe.imaging.place import crop_to_subject
from artpipe.imaging.quality import assess as assess_image
from artpipe.imaging.review import Review
from artpipe.reasons import Note, WarningKind

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
    subject: tuple[int, int, int, int] | None = None  # set by analyze
    backdrop: tuple[int, int, int] | None = None
    source_size: tuple[int, int] = (0, 0)  # the input's upright size before any draft, trim or resize
    mask: Image.Image | None = None  # the product (L, 255 = product) when a model isolated it (see Asset.mask)
    isolation: str = "none"  # how the product was isolated: alpha, color, model or none
    steps: tuple[str, ...] = ()
    warnings: tuple[Note, ...] = ()
    small: Image.Image | None = None  # the image's analysis copy (analyze.preview), made by analyze
    review: Review | None = None  # how far the cut-out is trusted (None: the product was not isolated)
    clear: Image.Image | None = None  # colour path: shadows and enclosed backdrop to whiten with the backdrop
    rules: Settings = field(kw_only=True)  # the settings every step measures with (read by the caller)

    def after(self, image: Image.Image, step: str, *warnings: Note, **changes: object) -> Work:
        """A new Work with ``image``, the step recorded and any warnings added (a new image, a new copy)."""
        small = self.small if image is self.image else None
        return replace(self, image=image, steps=(*self.steps, step), warnings=(*self.warnings, *warnings),
                       small=small, **changes)  # type: ignore[arg-type]


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
    warnings: tuple[Note, ...] = ()
    mask: Image.Image | None = None  # the product (L, 255 = product) found by the segmentation model, at the
    # side it was made at (up to 1024 px, the image's frame): scaled to the size it is used at (full_mask)
    isolation: str = "none"  # alpha (a cut-out), color (plain light backdrop), model, or none
    review: Review | None = None  # how far the cut-out is trusted (None: the product was not isolated)
    clear: Image.Image | None = None  # colour path: shadows and enclosed backdrop whitened with the backdrop
    text_map: Image.Image | None = None  # the text detector's map (F) of the photo's frame, made on its analysis
    # copy before the full-size decode (a large JPEG on the model path); None: the photo's own, made when asked

    def cutout(self) -> Image.Image:
        """The product alone: the photo as RGBA with the model's mask as alpha (the image itself otherwise)."""
        if self.mask is None:
            return self.image
        return cut_out(self.image, full_mask(self.image, self.mask))  # decontaminated: no fringe of the old backdrop


def full_mask(image: Image.Image, mask: Image.Image) -> Image.Image:
    """``mask`` (the model's, made at up to 1024 px) at ``image``'s size."""
    return mask if mask.size == image.size else mask.resize(image.size, Image.Resampling.BILINEAR)


MASK_SIDE = 1024  # product_mask's side at most: what reads it (the text check) looks at it no closer


def product_mask(asset: Asset, tolerance: int) -> Image.Image | None:
    """The product in ``asset.image`` (L, 255 = product, the image's frame at up to ``MASK_SIDE`` px: the
    model's mask at the side it was made at): the model's mask, a cut-out's alpha, what the colour path does
    not whiten (further than ``tolerance``, the backdrop tolerance, from the backdrop); None when the product
    was not isolated. Not at the photo's size: a 12 MP mask, scaled up from the backdrop region and reduced
    again to be read, cost 50 ms."""
    if asset.mask is not None:
        return asset.mask
    if asset.image.mode == "RGBA":
        return shrunk(asset.image.getchannel("A"), MASK_SIDE)
    if asset.isolation != "color" or asset.backdrop is None:
        return None
    region = photo_region(asset.image, asset.backdrop, tolerance)
    if asset.clear is not None:
        region = ImageChops.lighter(region, asset.clear.resize(region.size, Image.Resampling.BILINEAR))
    w, h = asset.image.size
    k = min(1.0, MASK_SIDE / max(w, h))
    return region.point(lambda v: 255 - v).resize((max(1, round(w * k)), max(1, round(h * k))),
                                                  Image.Resampling.BILINEAR)


def orient(work: Work) -> Work:
    """Apply the EXIF orientation (1-8) so the picture is upright."""
    op = _ORIENT.get(work.orientation)
    if op is None:
        return work
    return work.after(work.image.transpose(op), f"orient:{work.orientation}", orientation=1)


def to_8bit(work: Work) -> Work:
    """Scale 16-bit and 32-bit greyscale to 8 bits (v/257); Pillow's convert would clamp them to white."""
    im = work.image
    if im.mode.startswith("I;16") or im.mode == "I":
        eight = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
        return work.after(eight, f"to_8bit:{im.mode}")
    if im.mode == "F":
        return work.after(im.convert("L"), "to_8bit:F")
    return work


def unpalette(work: Work) -> Work:
    """Palette and 1-bit images become RGB/RGBA; a transparent index becomes alpha 0, never its colour."""
    im = work.image
    if im.mode in ("P", "PA"):
        has_alpha = im.mode == "PA" or "transparency" in im.info
        return work.after(im.convert("RGBA" if has_alpha else "RGB"), f"unpalette:{im.mode}")
    if im.mode == "1":
        return work.after(im.convert("L"), "unpalette:1")
    return work


def to_srgb(work: Work) -> Work:
    """Convert from the embedded ICC profile (or CMYK without one) to sRGB."""
    color = work.rules.color
    image, step, warns = to_srgb_image(work.image, work.icc, cmyk_fallback=profiles.cmyk_fallback(color.cmyk_fallback),
                                       intent=profiles.intent(color.intent))
    if step is None:
        return work
    return work.after(image, step, *warns, icc=None)


def to_rgb(work: Work) -> Work:
    """Standardize on RGB or RGBA; an alpha channel that is fully opaque is dropped."""
    im = work.image
    if im.mode in ("LA", "La", "RGBa"):
        im = im.convert("RGBA")
    elif im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGB")
    if im.mode == "RGBA" and im.getchannel("A").getextrema()[0] == 255:
        return work.after(im.convert("RGB"), "to_rgb:opaque_alpha_dropped")
    if im is work.image:
        return work
    return work.after(im, f"to_rgb:{work.image.mode}")


def analyze(work: Work) -> Work:
    """Find the subject box and a plain backdrop colour (used by trim, cover and mattes)."""
    small = preview(work.image)
    subject, backdrop = find_subject(work.image, small=small, rules=work.rules.analyze)
    return replace(work, subject=subject, backdrop=backdrop, small=small, steps=(*work.steps, "analyze"))


def _model(name: str | None, im: Image.Image) -> tuple[Image.Image, float, str]:
    from artpipe.imaging.segment import load_segmenter, saliency  # onnxruntime only when a photo needs it

    model = load_segmenter(name)
    mask, ms = saliency(im, model)
    return mask, ms, model.name


def _flatten_stray_alpha(work: Work) -> Work:
    """A photo with a stray transparent index (a palette PNG's tRNS) is judged as the opaque photo it is."""
    if work.image.mode != "RGBA" or is_cutout(work.image, work.rules.analyze.alpha_threshold, work.rules.isolate):
        return work
    flat = Image.new("RGB", work.image.size, (255, 255, 255))
    flat.paste(work.image, (0, 0), work.image.getchannel("A"))
    subject, backdrop = find_subject(flat, rules=work.rules.analyze)
    return work.after(flat, "to_rgb:stray_alpha_flattened", subject=subject, backdrop=backdrop)


def model_copy(decoded: Decoded, mode: str, rules: Settings) -> Image.Image | None:
    """The analysis copy (``matting.work_copy``, upright sRGB RGB) of ``decoded``, a reduced decode of a photo,
    when ``mode`` sends the photo's product to the segmentation model (None: a cut-out, or a plain light
    backdrop the colour path cleans at the photo's size). Made before the full-size photo is decoded and
    handed to ``isolate_copy``, so the model's working memory (~86 MB for U²-Net at 320 px) never
    coexists with a 12 MP photo (48 MB)."""
    if mode == Cutout.NEVER:
        return None
    work = Work(decoded.image, decoded.icc, decoded.orientation, warnings=decoded.warnings, rules=rules)
    for step in NORMALIZE:
        work = step(work)
    if work.image.mode != "RGB":
        return None
    analysis = rules.analyze
    light = work.backdrop is not None and min(work.backdrop) >= analysis.whiten_min
    if mode == Cutout.AUTO and light and work.backdrop is not None and \
            color_path_holds(work.image, work.backdrop, analysis.backdrop_tolerance, rules.isolate):
        return None
    return work_copy(work.image)


def isolate_copy(small: Image.Image, model: str | None = None, *, rules: Settings) -> Isolation:
    """The model path's isolation of a photo's analysis copy (``model_copy``), for ``normalize`` to take
    instead of isolating the full-size photo: its subject box is in the copy's pixels, its mask at its size."""
    return isolate(small, None, Cutout.MODEL, light_min=rules.analyze.whiten_min,
                   tolerance=rules.analyze.backdrop_tolerance, model=partial(_model, model), rules=rules)


def isolate_product(work: Work, mode: str, model: str | None = None, isolated: Isolation | None = None) -> Work:
    """Isolate the product (``mode``: auto, model or never): a cut-out keeps its alpha, a plain light backdrop
    is left to the colour path, anything else gets the segmentation model's mask; the subject box then comes
    from the mask. Warns ``no_subject`` / ``scene_photo`` when nothing could be isolated. ``isolated``: the
    model path's result made earlier on the photo's analysis copy (``isolate_copy``), taken as it is."""
    if mode != "never":
        work = _flatten_stray_alpha(work)
    if isolated is not None:
        found = _scaled_to(isolated, work.image.size)
    else:
        found = isolate(work.image, work.backdrop, mode, light_min=work.rules.analyze.whiten_min,
                        tolerance=work.rules.analyze.backdrop_tolerance, model=partial(_model, model), rules=work.rules)
    step = f"cutout:{found.how}" + (f":{found.note}" if found.note else "")
    cut = found.review.cut if found.review is not None else ()
    warns = (*found.warnings, *((Note(WarningKind.PRODUCT_CROPPED, "+".join(cut)),) if cut else ()))
    if found.how == "alpha" and found.mask is not None:  # the cut-out's own alpha, cleaned of its old backdrop
        image = work.image.copy()
        image.putalpha(found.mask)
        subject, _ = find_subject(image, rules=work.rules.analyze)
        return work.after(image, step, *warns, isolation="alpha", review=found.review, subject=subject)
    if found.mask is None:
        return work.after(work.image, step, *warns, isolation=found.how, review=found.review, clear=found.clear)
    return work.after(work.image, step, *warns, mask=found.mask, isolation="model",
                      subject=found.subject or work.subject, review=found.review)


def _scaled_to(found: Isolation, size: tuple[int, int]) -> Isolation:
    """``found`` (isolated on an analysis copy, whose size its mask has) with its subject box in the pixels of
    the photo of ``size`` (the copy's frame)."""
    if found.subject is None or found.mask is None:
        return found
    kx, ky = size[0] / found.mask.width, size[1] / found.mask.height
    return replace(found, subject=scale_box(found.subject, kx, ky, *size))


def whiten_backdrop(work: Work) -> Work:
    """Make a light, plain backdrop pure white, leaving the product and its soft shadow alone."""
    if work.mask is not None:  # the model isolated the product: everything else becomes white
        white = Image.new("RGB", work.image.size, (255, 255, 255))
        white.paste(work.image, (0, 0), full_mask(work.image, work.mask))
        return work.after(white, "whiten_backdrop:mask", backdrop=(255, 255, 255))
    rules = work.rules.analyze
    if work.backdrop is None or work.image.mode != "RGB" or min(work.backdrop) < rules.whiten_min:
        return work
    image = whiten(work.image, work.backdrop, rules.backdrop_tolerance, work.clear)
    return work.after(image, "whiten_backdrop", backdrop=(255, 255, 255), clear=None)


def trim(work: Work, margin: float) -> Work:
    """Crop to the subject box plus ``margin`` (a fraction of its size)."""
    if work.subject is None or work.subject == (0, 0, *work.image.size):
        return work
    image = crop_to_subject(work.image, work.subject, margin)
    mask = crop_to_subject(full_mask(work.image, work.mask), work.subject, margin) if work.mask is not None else None
    left, top, right, bottom = work.subject
    x0, y0 = max(0, left - int((right - left) * margin)), max(0, top - int((bottom - top) * margin))
    return work.after(image, f"trim:{image.width}x{image.height}",
                      subject=(left - x0, top - y0, right - x0, bottom - y0), mask=mask, clear=None)


def limit_size(work: Work, max_side: int) -> Work:
    """Downscale so the longest side is at most ``max_side`` (never upscale)."""
    w, h = work.image.size
    if max(w, h) <= max_side:
        return work
    k = max_side / max(w, h)
    size = (max(1, round(w * k)), max(1, round(h * k)))
    # reducing_gap lets Pillow shrink by an integer factor first (fast), then finish with LANCZOS.
    image = work.image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    mask = work.mask.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0) if work.mask is not None else None
    subject = tuple(round(v * k) for v in work.subject) if work.subject else None
    return work.after(image, f"resize:{size[0]}x{size[1]}", subject=subject, mask=mask, clear=None)


def assess(work: Work) -> Work:
    """Add the warnings a designer should see about the input (low resolution, blur, darkness)."""
    quality = work.rules.quality
    found = assess_image(work.small if work.small is not None else work.image,
                         size=work.source_size or work.image.size, min_side=quality.min_side,
                         blur_edge=quality.blur_edge, dark_mean=quality.dark_mean)
    return replace(work, warnings=(*work.warnings, *found)) if found else work


Step = Callable[[Work], Work]
NORMALIZE: tuple[Step, ...] = (orient, to_8bit, unpalette, to_srgb, to_rgb, analyze, assess)


@dataclass(frozen=True)
class NormalizeOptions:
    """What ``artpipe normalize`` may add to the pipeline."""

    trim: bool = False
    max_size: int | None = None
    white_backdrop: bool = False
    cutout: str = Cutout.NEVER  # auto, model or never: isolate the product (see isolate.py)
    model: str | None = None  # an ONNX segmentation model's path; None for the bundled one


def steps_for(options: NormalizeOptions, rules: NormalizeSettings, isolated: Isolation | None = None
              ) -> tuple[Step, ...]:
    """The full, ordered pipeline for these options (a trim keeps ``rules.trim_margin`` around the product;
    ``isolated``: see isolate_product)."""
    steps: list[Step] = list(NORMALIZE)
    if options.cutout != "never":
        steps.append(partial(isolate_product, mode=options.cutout, model=options.model, isolated=isolated))
    if options.white_backdrop:
        steps.append(whiten_backdrop)
    if options.trim:
        steps.append(partial(trim, margin=rules.trim_margin))
    if options.max_size:
        steps.append(partial(limit_size, max_side=options.max_size))
    return tuple(steps)


def normalize(decoded: Decoded, options: NormalizeOptions = NormalizeOptions(),
              isolated: Isolation | None = None, *, rules: Settings) -> Asset:
    """Run the pipeline on a decoded image; the Asset records every step and warning. ``isolated``: the
    product already isolated on the photo's analysis copy (isolate_product). ``rules``: the settings the steps
    measure with (the caller reads them: ``artpipe.defaults.settings()`` for the bundled ones)."""
    w, h = decoded.original_size or decoded.image.size
    upright = (h, w) if decoded.orientation in (5, 6, 7, 8) else (w, h)
    work = Work(decoded.image, decoded.icc, decoded.orientation, warnings=decoded.warnings, source_size=upright,
                rules=rules)
    for step in steps_for(options, rules.normalize, isolated):
        work = step(work)
    subject = work.subject or (0, 0, *work.image.size)
    return Asset(work.image, decoded.path, decoded.format, decoded.original_size, subject, work.backdrop,
                 work.steps, work.warnings, work.mask, work.isolation, work.review, work.clear)
