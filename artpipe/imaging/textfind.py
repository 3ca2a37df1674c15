"""Text in a product photo: where it is (PP-OCRv4's DB detector), what it says (PP-OCRv4's CTC recognizer) and
whether it is a watermark or an overlay rather than print on the product. Pure apart from the models, which are
loaded once per process (see ``artpipe/models/README.md``).

Both models run through onnxruntime on one thread and take images the way PaddleOCR feeds them: BGR channel order
(PaddleOCR reads with OpenCV); the detector normalizes with the ImageNet mean and standard deviation (applied in
the listed order to the BGR channels, as PaddleOCR's ``NormalizeImage`` does), the recognizer with (x - 0.5) / 0.5.
The recognizer's character list is stored in its ONNX metadata (key ``character``), so no dictionary file ships.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum
from functools import cache
from importlib.resources import as_file, files
from typing import Any

import numpy as np
from PIL import Image

from artpipe.imaging.analyze import shrunk
from artpipe.imaging.onnxrun import given_back, run_into
from artpipe.imaging.onnxrun import session as onnx_session
from artpipe.imaging.textkind import FinderRules, TextKind, classify, finder_rules, flattened

DETECTOR = "ch_PP-OCRv4_det_infer.onnx"
RECOGNIZER = "ch_PP-OCRv4_rec_infer.onnx"
# ImageNet statistics, which PaddleOCR's DB detectors were trained with (det_mv3_db / PP-OCRv4 det configs).
_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# every level of each BGR channel normalized, in the float32 steps the whole image would take
_LEVELS = (np.arange(256, dtype=np.float32)[np.newaxis] / 255.0 - _MEAN[:, np.newaxis]) / _STD[:, np.newaxis]

Box = tuple[int, int, int, int]


class Place(Enum):
    """Where a text box lies against the product mask."""

    INSIDE = "inside"
    CROSSING = "crossing"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"  # no mask was given


@dataclass(frozen=True)
class TextBox:
    """One region of text: its box in the image's pixels (x0, y0, x1, y1), the detector's score, and once read,
    the words and the recognizer's confidence; once judged, where it lies, what it is and whether it fails."""

    box: Box
    score: float
    angle: float = 0.0  # the line's tilt in degrees, counter-clockwise as seen
    band: tuple[float, float] | None = None  # the line's own length and thickness in image pixels, when found
    words: str = ""
    confidence: float = 0.0
    overlay: bool = False  # drawn as a semi-transparent layer over the surface
    place: Place = Place.UNKNOWN
    kind: TextKind | None = None  # None until read and classified
    fails: bool = False
    why: str = ""


@dataclass(frozen=True)
class _Model:
    session: Any  # onnxruntime.InferenceSession
    input_name: str
    output_name: str
    characters: tuple[str, ...]  # the recognizer's classes: blank first, space last; empty for the detector
    run_options: Any = None  # onnxruntime.RunOptions for every run (the detector's give its arena back)


@cache
def _load(name: str) -> _Model:
    """Load a bundled model once per process (one thread: the worker pool uses every core already)."""
    detector = name == DETECTOR
    with as_file(files("artpipe.models").joinpath(name)) as path:
        # the detector's buffers in an arena given back after each run (see onnxrun.session); the recognizer's
        # are a few MB a line, and its weights are not copied again for the matrix kernels
        session = onnx_session(path, arena=detector, prepacked=detector)
    meta = session.get_modelmeta().custom_metadata_map
    # PaddleOCR's CTCLabelDecode: class 0 is the CTC blank, the dictionary follows, a space is the last class.
    chars = ("", *meta["character"].splitlines(), " ") if "character" in meta else ()
    return _Model(session, session.get_inputs()[0].name, session.get_outputs()[0].name, chars,
                  given_back() if detector else None)


def probability(im: Image.Image, side: int = 640) -> np.ndarray:
    """The detector's text probability map of ``im`` scaled to at most ``side`` px long (sides multiples of 32)."""
    w, h = im.size
    scale = min(1.0, side / max(w, h))
    size = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
    # box-reduce a large photo first (fast, and no full-size RGB copy); a palette photo is flattened first
    src = im if im.mode in ("RGB", "RGBA", "L", "LA") else flattened(im)
    # the halfway copy (5 MB at 1280 px) is not held while the detector runs: its working memory is the peak
    small = flattened(shrunk(src, 2 * side, keep=True)).resize(size, Image.Resampling.BILINEAR)
    model = _load(DETECTOR)
    # the map (1 x 1 x h x w, as the input) written into an array of ours: its arena is then given back whole
    out = run_into(model.session, {model.input_name: detector_input(small)}, model.output_name,
                   (1, 1, size[1], size[0]), model.run_options)
    prob: np.ndarray = out[0, 0]
    return prob


def detector_input(im: Image.Image) -> np.ndarray:
    """``im`` (RGB) as the detector takes it: (1, 3, h, w) float32, BGR, each level normalized as
    ``(level / 255 - mean) / std`` by a table of the 256 levels per channel: the same float32 values as that
    arithmetic on the whole image, without its five full-size float temporaries (4 ms of 5 at 640 px)."""
    levels = np.asarray(im)
    out = np.empty((1, 3, im.height, im.width), dtype=np.float32)
    for c in range(3):  # the BGR channel c is the RGB channel 2 - c
        np.take(_LEVELS[c], levels[:, :, 2 - c], out=out[0, c])
    return out


def _runs(bitmap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The horizontal runs of True in ``bitmap``: row, start and end (exclusive), ordered by row then start."""
    padded = np.zeros((bitmap.shape[0], bitmap.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = bitmap
    rows, cols = np.nonzero(np.diff(padded, axis=1))
    # row by row, each run's start (a step up) is followed by its end (a step down) in the same row
    return rows[0::2], cols[0::2], cols[1::2]


def components(bitmap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """8-connected regions of ``bitmap`` as runs: (row, start, end, label) per run, labels 0..n-1 in the order
    of each region's first pixel (row by row).

    scipy labels the pixels (in that same order); each run takes its first pixel's label. A union-find over the
    runs in Python cost 2 ms on a photo with no text and grew with every run of a photo full of it."""
    from scipy import ndimage

    rows, starts, ends = _runs(bitmap)
    labelled, _ = ndimage.label(bitmap, structure=np.ones((3, 3), dtype=bool))
    labels: np.ndarray = labelled[rows, starts].astype(np.int64) - 1
    return rows, starts, ends, labels


def _shapes(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, labels: np.ndarray,
            n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per region: the length and thickness of the bar with its second moments, and its tilt in degrees
    (counter-clockwise as seen, so a line rising to the right is positive). Sums per run in closed form."""
    count = (ends - starts).astype(np.float64)
    last, before = ends.astype(np.float64) - 1, starts.astype(np.float64) - 1
    sx = count * (starts + last) / 2
    sxx = (last * (last + 1) * (2 * last + 1) - before * (before + 1) * (2 * before + 1)) / 6
    y = rows.astype(np.float64)
    total = [np.bincount(labels, v, n) for v in (count, sx, y * count, sxx, y * sx, y * y * count)]
    m, mx, my = total[0], total[1] / total[0], total[2] / total[0]
    cxx, cxy, cyy = total[3] / m - mx * mx, total[4] / m - mx * my, total[5] / m - my * my
    spread = np.sqrt(((cxx - cyy) / 2) ** 2 + cxy**2)
    # a bar of length L has variance L^2 / 12 along it
    length = np.sqrt(12 * np.maximum((cxx + cyy) / 2 + spread, 0) + 1)
    thickness = np.sqrt(12 * np.maximum((cxx + cyy) / 2 - spread, 0) + 1)
    angle = -np.degrees(0.5 * np.arctan2(2 * cxy, cxx - cyy))  # the map's y grows downward
    return length, thickness, angle


def boxes_from_map(prob: np.ndarray, size: tuple[int, int], rules: FinderRules
                   ) -> tuple[tuple[Box, float, float, float], ...]:
    """DB post-processing: regions over the threshold, scored by their mean probability, grown by the unclip
    distance and mapped to an image of ``size``; each as (box, score, tilt in degrees, thickness as a share of
    the map's shorter side). ``bands`` gives each one's own length and thickness in the image."""
    return tuple(found for found, _ in _regions(prob, size, rules))


def _regions(prob: np.ndarray, size: tuple[int, int], rules: FinderRules
             ) -> list[tuple[tuple[Box, float, float, float], tuple[float, float]]]:
    """``boxes_from_map``'s regions, each with its bar's (length, thickness) in the image's pixels, unclipped."""
    conf = rules.detector
    bitmap = prob > conf["threshold"]
    # PaddleOCR dilates the bitmap with a 2x2 kernel so the strokes of one word join
    bitmap[:-1, :-1] |= bitmap[1:, :-1] | bitmap[:-1, 1:] | bitmap[1:, 1:]
    rows, starts, ends, labels = components(bitmap)
    if not len(rows):
        return []
    # each run's sum of probability from its row's running sums (taken on the rows that have runs only)
    used, at = np.unique(rows, return_inverse=True)
    sums = np.zeros((len(used), prob.shape[1] + 1), np.float64)
    np.cumsum(prob[used], axis=1, dtype=np.float64, out=sums[:, 1:])
    n = int(labels.max()) + 1
    score = np.bincount(labels, sums[at, ends] - sums[at, starts], n) / np.bincount(labels, ends - starts, n)
    length, thickness, angle = _shapes(rows, starts, ends, labels, n)
    x0, y0 = np.full(n, 1 << 30), np.full(n, 1 << 30)
    x1, y1 = np.zeros(n, np.int64), np.zeros(n, np.int64)
    np.minimum.at(x0, labels, starts)
    np.minimum.at(y0, labels, rows)
    np.maximum.at(x1, labels, ends)
    np.maximum.at(y1, labels, rows + 1)
    fx, fy = size[0] / prob.shape[1], size[1] / prob.shape[0]
    found = []
    for k in range(n):
        if min(x1[k] - x0[k], y1[k] - y0[k], thickness[k]) < conf["min_side_px"] or score[k] < conf["box_score"]:
            continue
        # DB's unclip distance, area * ratio / perimeter, of the region's own bar (not of its upright box)
        grow = length[k] * thickness[k] * conf["unclip_ratio"] / (2 * (length[k] + thickness[k]))
        box = (max(0, math.floor((x0[k] - grow) * fx)), max(0, math.floor((y0[k] - grow) * fy)),
               min(size[0], math.ceil((x1[k] + grow) * fx)), min(size[1], math.ceil((y1[k] + grow) * fy)))
        if min(box[2] - box[0], box[3] - box[1]) >= conf["min_box_px"]:
            band = ((length[k] + 2 * grow) * fx, (thickness[k] + 2 * grow) * fy)
            found.append(((box, round(float(score[k]), 3), round(float(angle[k]), 1),
                           round(float(thickness[k] / min(prob.shape)), 3)), band))
    return sorted(found, key=lambda f: (f[0][0][1], f[0][0][0]))


def find_text(im: Image.Image, *, rules: FinderRules, side: int = 640, seen: np.ndarray | None = None
              ) -> tuple[TextBox, ...]:
    """The text regions of ``im``, found at most ``side`` px long, top to bottom; not read, except that a
    region as thick as a large caption is kept only when it reads as text (then with its words). ``seen``: the
    detector's map of ``im``'s frame made earlier (``probability`` of a smaller copy of the photo, such as its
    analysis copy), taken instead of running the detector on ``im``."""
    found = []
    conf = rules.detector
    prob = seen if seen is not None else probability(im, side)
    for (box, score, angle, thickness), band in _regions(prob, im.size, rules):
        if thickness < conf["verify_thickness"]:
            found.append(TextBox(box, score, angle=angle, band=band))
            continue
        # The detector sometimes lights up a plain, rounded part of a product (a sleeve, a cup, a wheel) as one
        # solid blob; a line that thick is kept only when the recognizer reads it with confidence.
        words, confidence = read_text(im, box, angle=angle, band=band, rules=rules)
        if words and confidence >= conf["verify_confidence"]:
            found.append(TextBox(box, score, angle=angle, band=band, words=words, confidence=confidence))
    return tuple(found)


def leveled(im: Image.Image, box: Box, angle: float, band: tuple[float, float] | None = None, *,
            height: int = 0) -> Image.Image:
    """The line of text in ``box`` tilted by ``angle`` degrees, turned level and cut to its own band: ``band``
    (length, thickness) as the detector measured it, or else solved from the box. ``height``: the height the
    line is read at (0: any); a line more than twice as thick is box-reduced before it is turned.

    A bar of length L and thickness T tilted by a fills an upright box of W = L cos a + T sin a by
    H = L sin a + T cos a; solved for L and T (well posed only well away from 45 degrees, where the box is the
    same square whatever the line's thickness: a watermark tiled diagonally needs the detector's band)."""
    crop = flattened(im.crop(box))
    a = math.radians(abs(angle))
    w, h = crop.size
    if band is not None:
        length, thickness = band
    else:
        length = (w * math.cos(a) - h * math.sin(a)) / math.cos(2 * a)
        thickness = (h * math.cos(a) - w * math.sin(a)) / math.cos(2 * a)
    if length < 1 or thickness < 1:
        return crop
    factor = int(thickness // (2 * height)) if height else 1
    if factor >= 2:  # turned at twice the height it is read at, at most: a 600 px thick blob took 110 ms to turn
        crop = crop.reduce(factor)
        length, thickness = length / factor, thickness / factor
    turned = crop.rotate(-angle, Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    cx, cy = turned.width / 2, turned.height / 2
    return turned.crop((round(cx - length / 2), round(cy - thickness / 2),
                        round(cx + length / 2), round(cy + thickness / 2)))


def _line(im: Image.Image, box: Box, angle: float, band: tuple[float, float] | None, rules: FinderRules
          ) -> np.ndarray:
    """The crop of ``box`` as the recognizer takes it: 48 px high, BGR, normalized, padded, a batch of one."""
    conf = rules.recognizer
    tilt = abs(angle)
    steepest = conf["max_tilt_deg"] if band is None else 90 - conf["min_tilt_deg"]
    height = conf["height_px"]
    if conf["min_tilt_deg"] <= tilt <= steepest:
        crop = leveled(im, box, angle, band, height=height)
    else:
        crop = flattened(im.crop(box))
    if crop.height >= conf["vertical_ratio"] * crop.width:
        crop = crop.transpose(Image.Transpose.ROTATE_90)  # PaddleOCR turns tall crops the same way (np.rot90)
    width = min(conf["max_width_px"], max(1, math.ceil(height * crop.width / max(1, crop.height))))
    x = np.asarray(crop.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)[:, :, ::-1]
    line = np.zeros((3, height, max(width, conf["min_width_px"])), dtype=np.float32)
    line[:, :, :width] = (x / 255.0 - 0.5).transpose(2, 0, 1) / 0.5
    return line[np.newaxis]


def read_text(im: Image.Image, box: Box, *, rules: FinderRules, angle: float = 0.0,
              band: tuple[float, float] | None = None) -> tuple[str, float]:
    """The words in ``box`` of ``im`` (a line tilted by ``angle`` degrees, as found, of ``band``'s length and
    thickness when known) and the recognizer's confidence (the mean probability of the characters kept)."""
    model = _load(RECOGNIZER)
    line = _line(im, box, angle, band, rules)
    out = np.asarray(model.session.run([model.output_name], {model.input_name: line})[0])[0]
    best, prob = out.argmax(axis=1), out.max(axis=1)
    # greedy CTC: drop a class repeated in the next step, then the blanks
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = best[1:] != best[:-1]
    keep &= best != 0
    words = "".join(model.characters[i] for i in best[keep] if i < len(model.characters)).strip()
    return words, round(float(prob[keep].mean()), 3) if keep.any() else 0.0


def place_of(box: Box, mask: Image.Image | None, rules: FinderRules) -> Place:
    """Where ``box`` lies against ``mask`` (L, the product 255): inside, crossing its outline, or outside."""
    if mask is None:
        return Place.UNKNOWN
    region = np.asarray((mask if mask.mode == "L" else mask.convert("L")).crop(box)) > 127  # no copy per box
    share = float(region.mean()) if region.size else 0.0
    conf = rules.place
    if share >= conf["inside_share"]:
        return Place.INSIDE
    return Place.OUTSIDE if share <= conf["outside_share"] else Place.CROSSING


def _is_line(box: Box, rules: FinderRules) -> bool:
    """True when ``box`` has the shape of a line of text (long and thin), not of a mark or a patch."""
    w, h = box[2] - box[0], box[3] - box[1]
    ratio: float = rules.place["line_ratio"]
    return max(w, h) >= ratio * min(w, h)


def judge(im: Image.Image, found: TextBox, place: Place, rules: FinderRules) -> TextBox:
    """``found`` with its place and verdict: a line of text off the product fails unread; a squarer region off it
    fails when it reads as text (the detector also marks buckles, chain links and patches of backdrop); text on
    the product (or anywhere, with no mask) is read and fails only as a watermark or an overlay. A product's
    printed brand or label passes."""
    off = place in (Place.OUTSIDE, Place.CROSSING)
    where = "outside the product" if place is Place.OUTSIDE else "across the product's outline"
    words, confidence = (found.words, found.confidence) if found.words else \
        read_text(im, found.box, angle=found.angle, band=found.band, rules=rules)
    kind, overlay = classify(im, found.box, words, confidence, rules)
    read = replace(found, words=words, confidence=confidence, overlay=overlay, place=place, kind=kind)
    if off:
        legible = kind is not TextKind.ILLEGIBLE
        return replace(read, fails=legible, why=f"text {words!r} {where} at {found.box}" if legible else "")
    fails = kind not in (TextKind.PRINTED, TextKind.ILLEGIBLE)
    return replace(read, fails=fails, why=f"{kind.value} text {words!r} at {found.box}" if fails else "")


def text_findings(im: Image.Image, mask: Image.Image | None, *, rules: FinderRules, side: int = 640,
                  seen: np.ndarray | None = None) -> tuple[TextBox, ...]:
    """Every text region of ``im`` judged against the product ``mask`` (L of the image's frame at any size: each
    box is scaled to it, where scaling the mask to a 12 MP photo would cost more than placing every box), or
    None. ``rules``: the finder's thresholds and words (``finder_rules()``); ``seen``: as ``find_text`` takes it."""
    found_all = find_text(im, side=side, rules=rules, seen=seen)
    if mask is None or mask.size == im.size:
        return tuple(judge(im, found, place_of(found.box, mask, rules), rules) for found in found_all)
    kx, ky = mask.width / im.width, mask.height / im.height
    return tuple(judge(im, found, place_of(_scaled(found.box, kx, ky, mask.size), mask, rules), rules)
                 for found in found_all)


def _scaled(box: Box, kx: float, ky: float, size: tuple[int, int]) -> Box:
    """``box`` in the pixels of an image ``kx``, ``ky`` times as large (``size``), covering at least a pixel."""
    left, top = min(size[0] - 1, int(box[0] * kx)), min(size[1] - 1, int(box[1] * ky))
    return left, top, max(left + 1, min(size[0], math.ceil(box[2] * kx))), \
        max(top + 1, min(size[1], math.ceil(box[3] * ky)))


__all__ = ["Box", "FinderRules", "Place", "TextBox", "TextKind", "classify", "find_text", "finder_rules", "judge",
           "place_of", "read_text", "text_findings"]
