"""Numbers the code uses, read once from ``defaults.yaml`` beside this file into typed, frozen settings.

``settings().analyze.backdrop_tolerance`` is checked by mypy where it is read; the YAML is checked against these
types when it is loaded (a missing or unknown key, or a value of the wrong type, is an error naming it).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True)
class MemorySettings:
    shared_pixels: int  # pictures many products draw (a template's files, a brand's logo), kept decoded
    painted_pixels: int  # layers that read nothing of a product, kept painted
    image_block_bytes: int = 0  # the largest block Pillow allocates an image in (0: Pillow's own, 16 MiB)
    heap_trim_bytes: int = 0  # free at the heap's top before glibc gives it back on its own (0: glibc's own)
    heap_mmap_bytes: int = 0  # blocks from this size up are mapped apart from the heap (0: glibc's own)
    heap_keep_bytes: int = 0  # a product leaving more than this resident gives it back as it ends (0: never)


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int  # a template or job file larger than this is refused
    max_depth: int  # deeper nesting is refused (YAML bombs)


@dataclass(frozen=True)
class CsvLimits:
    max_bytes: int
    max_rows: int


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int  # an operator's product sheet as uploaded
    max_unzipped_bytes: int  # an XLSX whose parts unpack to more is refused (zip bombs)
    max_parts: int  # files inside an XLSX
    max_rows: int  # counted as read, whatever the sheet declares
    max_columns: int
    max_cells: int  # filled cells
    max_field_bytes: int  # per cell


@dataclass(frozen=True)
class StudioSettings:
    signin_delay_seconds: float  # a wrong name or password is answered this much later
    signin_attempts_per_name: int  # within the window; then the name waits
    signin_attempts_per_address: int  # from one address, any names, within the window
    signin_window_seconds: float
    signin_hashes_at_once: int  # password checks run in threads, this many at a time
    heartbeat_seconds: float  # a studio says it is alive this often for the requests it renders
    stale_after_seconds: float  # a request silent this long was left by a studio that stopped
    draft_hours: float  # a refused form's photos are kept this long after its last use
    drafts_per_operator: int  # only an operator's newest drafts are kept
    overlap_share: float  # the workbench warns when a layer's box covers this share of a product's or a text's


@dataclass(frozen=True)
class ImageLimits:
    max_file_bytes: int  # larger inputs are too_large
    max_pixels: int  # above is too_large
    upscale_warn: float  # a product picture enlarged more than this gets an upscaled warning


@dataclass(frozen=True)
class PsdSettings:
    max_file_bytes: int  # a larger PSD or PSB is too_large
    max_pixels: int  # canvas area (every artboard together)
    max_side: int  # width or height
    max_layers: int  # layers and groups
    max_decoded_bytes: int  # what decoding one layer or the composite may allocate
    text_min_share: float  # an imported text may shrink to this share of its size
    shape_tolerance_px: float  # how near a knot must be to a rectangle's or ellipse's


@dataclass(frozen=True)
class TextSettings:
    line_height: float  # line pitch as a multiple of the font size
    ellipsis: str
    baseline: float  # where the baseline sits in a line's em box


@dataclass(frozen=True)
class EncodeSettings:
    avif_speed: int  # AVIF encoder effort: 0 slowest and smallest ... 10 fastest
    background: str  # what transparent pixels become in formats without alpha


@dataclass(frozen=True)
class ColorSettings:
    intent: str  # rendering intent for profile conversions
    cmyk_fallback: str  # profile for CMYK without one


@dataclass(frozen=True)
class AnalyzeSettings:
    max_side: int  # the subject box is found on a copy this small
    backdrop_tolerance: int  # a pixel differing from the backdrop by more than this is subject
    border_spread: int  # a border whose channels spread more than this is not a plain backdrop
    alpha_threshold: int  # alpha at or below this counts as transparent
    whiten_min: int  # only backdrops at least this light are cleaned to white


@dataclass(frozen=True)
class IsolateSettings:
    min_share: float  # a product smaller than this share of the frame was not found
    max_share: float  # a "product" covering more than this is the whole scene
    min_sure: float  # below this share of clearly decided pixels the model is guessing
    decide_side: int  # the colour path's tests run on a copy this small
    clean_border: float  # the colour path needs this share of the frame edge to be backdrop
    uneven: float  # a backdrop with more than this share off its colour is uneven
    holes: float  # enclosed backdrop-coloured areas over this share of the frame need the model
    hole_match: int  # how close an enclosed area must be to the backdrop colour to look like a hole
    white_enough: int  # on a backdrop this light, holes are white already
    solid: float  # the colour path's product must keep this share of its area when eroded
    erode: int  # MinFilter size for that test
    cutout_border: float  # an RGBA image is a cut-out when this share of its edge is transparent
    model_min_side: int  # a segmentation model's square input must be at least this side
    model_max_side: int  # ... and at most this


@dataclass(frozen=True)
class CleanupSettings:
    side: int  # masks are refined against the backdrop on a copy this small
    ring: float  # the backdrop is modelled on a ring this wide around the product (share of the long side)
    plain_max: float  # a backdrop straying more than this from its model is not cleaned against
    match_base: float  # a product pixel this close to the backdrop (plus match_spread x its spread) is backdrop
    match_spread: float
    match_max: float
    min_hole: float  # an enclosed backdrop piece smaller than this share of the frame is a highlight, kept
    light_backdrop: float  # a backdrop this light ...
    light_gap: float  # ... and a product whose median pixel is this close to it: a light product on light
    white_guard: float  # when more than this share of the product matches the backdrop it is a white product
    shadow_chroma: float  # a shadow keeps the backdrop's chromaticity within this
    shadow_darkest: float  # ... and at least this share of its brightness
    shadow_texture: float  # ... and is this smooth (local standard deviation, levels, plus the backdrop's spread)
    shadow_rim: int  # pixels around a shadow where its colour goes with it, however grainy
    shadow_guard: float  # shadows over this share of the product are not removed (a grey product)
    edge_band: int  # pixels along the outline whose product share is judged by colour
    edge_contrast: float  # ... where product and backdrop differ at least this much
    edge_structure: float  # ... and where the photo changes along the outline by less: else a part of its own
    edge_structure_smooth: float  # ... the outline's direction from the mask blurred this much (pixels)
    edge_structure_reach: int  # ... whose pixels and those this near them keep the mask's value
    coloured: float  # a backdrop whose channels differ this much is coloured: its hue near the outline is backdrop
    hue_degrees: float  # on a coloured backdrop, pixels of its hue within this angle and ...
    hue_saturation: float  # ... at least this share of its saturation, no brighter, are backdrop or its shadow
    speck: float  # pieces of the product under this share of its largest piece are specks, removed
    halo_peel: int  # pixels from a cut-out's edge where its old backdrop is peeled off
    halo_most: float  # more of a cut-out than this in its edge's colour is no halo: doubted, not peeled
    halo_match: float  # a cut-out's outermost opaque pixels within this of their median colour ...
    halo_share: float  # ... this share of them, and ...
    halo_contrast: float  # ... that colour this far from the product's own: the old backdrop shows
    min_piece: int  # pieces smaller than this (pixels at the cleaning side) are left alone
    recover_min: float  # a dropped part differs from the backdrop by at least this
    recover_spread: float  # ... and this many times the backdrop's spread
    recover_not_shade: float  # ... and is not the backdrop darkened (a shadow)
    recover_most: float  # a dropped part is at most this share of the product


@dataclass(frozen=True)
class ShadowSettings:
    base: float  # the bottom of the silhouette a contact shadow is drawn from (share of the product's height)
    depth: float  # its height, squashed flat
    blur: float  # its blur radius
    opacity: float  # its darkness at the base
    ink: int  # in an opaque picture, what differs from white by more than this is product


@dataclass(frozen=True)
class ReviewSettings:
    cut_px: int  # the product touching a frame side along more pixels than this (and cut_share) is cut there
    cut_share: float
    near_edge: float  # a product whose extreme row lies this close to the photo's edge ...
    near_run: float  # ... with a run of product over this share of that side was cut by a cropped photo
    straight_run: float  # a merchant cut-out's extreme row, hard and straight over this share of its extent: cut
    straight_most: float  # ... unless it runs most of the extent (a box's own straight side)
    busy: float  # a model's cut-out from a backdrop straying more than this from its model is uncertain
    edge_min: float  # an outline pixel lies on an edge of the photo when the gradient there exceeds this
    edge_spread: float  # ... and this many times the backdrop's spread
    min_edge_agreement: float  # a model's cut-out whose outline follows the photo's edges less is uncertain
    max_cleaned: float  # ... or with more of its mask found to be backdrop, shadow or dropped
    max_soft: float  # ... or with more of its area neither in nor out
    piece: float  # a separate piece at least this share of the largest is an object of its own
    crumb: float  # pieces below this share of the largest are crumbs
    max_crumbs: float  # more of the product in crumbs than this is uncertain
    erased_gap: int  # edges this far from the product's outline are not its own
    erased_grad: float  # a clear edge: a gradient over this
    erased_piece: int  # ... in a line of at least this many pixels
    max_erased: float  # more such edges where the photo turns white than this share of the product: doubt
    max_kept_shade: float  # colour path: more of the product than this in backdrop-coloured darker edge pieces
    kept_darkest: float  # ... no darker than this share of the backdrop's brightness ...
    kept_piece: float  # ... in pieces at least this share of the product ...
    kept_most: float  # ... and at most this share: doubt
    shade_chroma: float  # a shadow there: the backdrop's chromaticity within this ...
    shade_ratio: float  # ... darker than this share of its brightness ...
    shade_soft: float  # ... and its edges softer than this
    shade_area: int  # ... over at least this many pixels
    body_side: int  # one piece's outline is judged for several products at this side (bodies.py)
    body_core: float  # a body's core reaches at least this share of the piece's deepest point
    body_neck: float  # two bodies meet through a neck at most this share of the smaller core's depth
    body_bridge: float  # ... and at least this share (thinner: a bar joining one product's parts)
    body_convex: float  # a product's own body: at least this share of its convex hull
    body_whole: float  # several products: the whole piece at most this share of its convex hull
    body_share: float  # a body counts when it holds at least this share of the piece
    body_steps: int  # depths tried between a tenth of the piece's deepest point and the deepest


@dataclass(frozen=True)
class IgnoreSettings:
    names: tuple[str, ...]
    files: tuple[str, ...]
    folders: tuple[str, ...]


@dataclass(frozen=True)
class QualitySettings:
    min_side: int  # an input whose longest side is shorter gets low_resolution
    blur_edge: int  # below this edge strength an input is blurry
    dark_mean: int  # mean luminance below this is dark


@dataclass(frozen=True)
class NormalizeSettings:
    trim_margin: float  # --trim keeps this fraction of the subject's size around it
    max_name_bytes: int  # output file names are cut to this many UTF-8 bytes


@dataclass(frozen=True)
class Settings:
    """Every default, by section as in defaults.yaml."""

    yaml: YamlLimits
    csv: CsvLimits
    sheet: SheetLimits
    studio: StudioSettings
    image: ImageLimits
    psd: PsdSettings
    text: TextSettings
    encode: EncodeSettings
    color: ColorSettings
    analyze: AnalyzeSettings
    isolate: IsolateSettings
    cleanup: CleanupSettings
    shadow: ShadowSettings
    review: ReviewSettings
    ignore: IgnoreSettings
    quality: QualitySettings
    normalize: NormalizeSettings
    memory: MemorySettings


@cache
def defaults() -> dict[str, Any]:
    """The bundled defaults as the nested dict the YAML holds (cached per process)."""
    text = files("artpipe").joinpath("defaults.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _typed(cls: type[Any], data: dict[str, Any], where: str) -> Any:
    """``data`` as an instance of the dataclass ``cls``, each value checked against its annotation."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    if not isinstance(data, dict) or set(data) != set(names):
        got = sorted(data) if isinstance(data, dict) else type(data).__name__
        msg = f"defaults.yaml: {where} must have exactly {names}, has {got}"
        raise ValueError(msg)
    values = {}
    for name in names:
        hint, value = hints[name], data[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _typed(hint, value, f"{where}.{name}" if where else name)  # type: ignore[arg-type]
            continue
        if typing.get_origin(hint) is tuple:
            value = tuple(value) if isinstance(value, list) else value
            ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        elif hint is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        else:
            ok = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
        if not ok:
            msg = f"defaults.yaml: {where}.{name} must be {getattr(hint, '__name__', hint)}, is {value!r}"
            raise ValueError(msg)
        values[name] = value
    return cls(**values)


@cache
def settings() -> Settings:
    """The bundled defaults, typed (cached per process)."""
    result: Settings = _typed(Settings, defaults(), "")
    return result


def setting(section: str, key: str) -> Any:
    """One default by its section and key, e.g. ``setting("image", "max_pixels")`` (untyped; prefer
    ``settings().image.max_pixels``)."""
    return getattr(getattr(settings(), section), key)
