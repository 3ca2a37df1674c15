"""What a piece of text in a photo is: a watermark or an overlay (stock-photo agency, web address, price, promotion,
a semi-transparent layer) or print on the product. Pure; the words and thresholds are data in
``artpipe/models/textfind.yaml``, read once per process by ``finder_rules`` and handed to every function here and
in textfind.py that uses them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageFilter


class TextKind(Enum):
    """What a text is, by its words or its look; everything but PRINTED and ILLEGIBLE is a watermark or an
    overlay."""

    STOCK = "stock-photo watermark"
    DOMAIN = "web address"
    PRICE = "price"
    PROMO = "promotion"
    OVERLAY = "semi-transparent overlay"
    PRINTED = "printed"
    ILLEGIBLE = "illegible"  # nothing read with confidence: perhaps not text at all


@dataclass(frozen=True)
class FinderRules:
    """The text finder's thresholds and vocabularies, by section as in ``textfind.yaml``, with the watermark
    words compiled once (``patterns``, in the order they are tried)."""

    detector: Mapping[str, Any]
    recognizer: Mapping[str, Any]
    place: Mapping[str, Any]
    overlay: Mapping[str, Any]
    words: Mapping[str, Any]
    patterns: tuple[tuple[TextKind, re.Pattern[str]], ...]


@cache
def finder_rules() -> FinderRules:
    """The text finder's rules from ``artpipe/models/textfind.yaml`` (read and compiled once per process)."""
    data: dict[str, Any] = yaml.safe_load(files("artpipe.models").joinpath("textfind.yaml").read_text("utf-8"))
    return FinderRules(data["detector"], data["recognizer"], data["place"], data["overlay"], data["words"],
                       _patterns(data["words"]))


def flattened(im: Image.Image) -> Image.Image:
    """``im`` as RGB; transparent parts on white (a cut-out's hidden colours are not what a viewer sees). An RGB
    ``im`` is returned itself (no copy: every caller makes a new image of it), so never change what it returns."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return im if im.mode == "RGB" else im.convert("RGB")


def _word_pattern(word: str) -> str:
    """A vocabulary word as a regex: Latin words whole (``off`` is not in ``coffee``), others anywhere."""
    body = r"\s*".join(re.escape(part) for part in word.split())
    return rf"(?<![a-z0-9]){body}(?![a-z0-9])" if word.isascii() else body


def _patterns(words: Mapping[str, Any]) -> tuple[tuple[TextKind, re.Pattern[str]], ...]:
    """One compiled pattern per kind of watermark ``words``, in the order they are tried."""
    for group, listed in ((k, v) for k, v in words.items() if isinstance(v, list)):
        odd = [w for w in listed if not isinstance(w, str)]
        if odd:  # YAML 1.1 turns a bare off, no or yes into a boolean
            msg = f"textfind.yaml: words.{group} must be strings, has {odd!r} (quote them)"
            raise ValueError(msg)
    return (
        (TextKind.STOCK, re.compile("|".join(_word_pattern(w) for w in words["stock"]), re.IGNORECASE)),
        (TextKind.DOMAIN, re.compile("|".join(words["domain"]), re.IGNORECASE)),
        (TextKind.PRICE, re.compile("|".join(words["price"]), re.IGNORECASE)),
        (TextKind.PROMO, re.compile("|".join(_word_pattern(w) for w in words["promo"]), re.IGNORECASE)),
    )


def _near_stock_name(words: str, rules: FinderRules) -> bool:
    """True when a long word of ``words`` is close to a stock agency's name: a watermark drawn faint over a busy
    surface is often read with a letter or two wrong ("utterstook")."""
    conf = rules.words
    names = [n.replace(" ", "") for n in conf["stock"] if n.isascii() and len(n.replace(" ", "")) >= 6]
    tokens = [t for t in re.split(r"[^0-9a-z]+", words.lower()) if len(t) >= 6]
    if any(SequenceMatcher(None, t, n).ratio() >= conf["stock_likeness"] for t in tokens for n in names):
        return True
    # Part of the mark lies over a light backdrop and is not read at all ("nutterste" of "shutterstock"): a long
    # enough run of a long agency name still names it.
    least = int(conf["stock_run"])
    for t in tokens:
        for n in names:
            if len(n) >= least + 2:
                match = SequenceMatcher(None, t, n).find_longest_match(0, len(t), 0, len(n))
                if match.size >= least:
                    return True
    return False


def kind_of_words(words: str, rules: FinderRules) -> TextKind:
    """The kind of watermark or overlay ``words`` name, or PRINTED when they name none."""
    for kind, pattern in rules.patterns:
        if pattern.search(words):
            return kind
    return TextKind.STOCK if _near_stock_name(words, rules) else TextKind.PRINTED


def _strokes(im: Image.Image, box: tuple[int, int, int, int], rules: FinderRules
             ) -> tuple[np.ndarray, np.ndarray] | None:
    """The light stroke pixels of the text in ``box`` and the surface under each (both n x 3, 0-255), or None.

    The surface is a median wider than a stroke (taken at a quarter size: Pillow's median is slow); strokes are
    pixels clearly lighter than it, and of those only the cores (an anti-aliased edge covers its pixel partly,
    which looks like a more transparent layer)."""
    conf = rules.overlay
    crop = flattened(im.crop(box))
    height = conf["height_px"]
    width = max(8, min(8 * height, round(crop.width * height / max(1, crop.height))))
    crop = crop.resize((width, height), Image.Resampling.BILINEAR)
    # Pillow's median costs the square of its size per pixel: take it on a reduced copy, then scale it back
    reduced = crop.reduce(conf["reduce"]).filter(ImageFilter.MedianFilter(conf["median_px"]))
    surface = np.asarray(reduced.resize(crop.size, Image.Resampling.BILINEAR), dtype=np.float32)
    pixels = np.asarray(crop, dtype=np.float32)
    delta = (pixels - surface).mean(axis=2)
    light = delta > conf["stroke_delta"]
    dark = delta < -conf["stroke_delta"]
    # the text must be the light part: dark letters leave light gaps between them, which are not a layer
    if light.mean() < max(conf["min_stroke_share"], conf["light_over_dark"] * dark.mean()):
        return None
    # the cores: stroke pixels whose 3 x 3 neighbours are strokes too (Pillow's MinFilter is an erosion)
    eroded = Image.fromarray(light.astype(np.uint8) * 255).filter(ImageFilter.MinFilter(3))
    core = np.asarray(eroded) > 0
    if core.sum() < conf["min_stroke_share"] * core.size / 4:
        return None
    return pixels[core], surface[core]


def is_overlay(im: Image.Image, box: tuple[int, int, int, int], rules: FinderRules) -> bool:
    """True when the text in ``box`` is drawn as a light semi-transparent layer over the surface.

    Such a layer of colour C and opacity a makes every stroke pixel (1 - a) * surface + a * C: the strokes keep
    the surface's variation at a constant slope 1 - a, and C is light and neutral. Ink printed on a product is
    opaque: its colour does not follow the surface (slope near 0), or a shading multiplies both (offset near 0,
    so C comes out dark). On a plain single-colour surface nothing varies and the test says no."""
    found = _strokes(im, box, rules)
    if found is None:
        return False
    stroke, surface = found
    conf = rules.overlay
    x, y = surface.reshape(-1), stroke.reshape(-1)  # channels pooled: one slope and one C for all three
    if x.std() < conf["min_spread"]:
        return False
    slope, offset = np.polyfit(x, y, 1)
    residual = y - (slope * x + offset)
    fit = 1.0 - float(residual.var()) / max(float(y.var()), 1e-6)
    low, high = conf["slope_range"]
    if not (low <= slope <= high and fit >= conf["min_fit"]):
        return False
    layer = offset / (1.0 - slope)
    tint = (stroke - slope * surface).mean(axis=0) / (1.0 - slope)  # C per channel
    return bool(layer >= conf["min_layer_level"] and np.ptp(tint) <= conf["max_tint"])


def classify(im: Image.Image, box: tuple[int, int, int, int], words: str,
             confidence: float, rules: FinderRules) -> tuple[TextKind, bool]:
    """What the text read as ``words`` in ``box`` is, and whether it is drawn as a semi-transparent overlay.

    Words decide first; a semi-transparent layer makes any other legible text an overlay; the rest is PRINTED.
    Nothing read at the recognizer's minimum confidence is ILLEGIBLE: it names nothing and may not be text."""
    overlay = is_overlay(im, box, rules)
    conf = rules.recognizer
    # letters, digits and symbols (a currency sign counts; punctuation and spaces do not)
    chars = sum(unicodedata.category(c)[0] in "LNS" for c in words)
    if words.strip() in conf["single_promo"] and confidence >= conf["single_confidence"]:
        return TextKind.PROMO, overlay  # 特 alone on a starburst: the sticker's whole message
    if chars < conf["min_chars"] or confidence < conf["min_confidence"]:
        return TextKind.ILLEGIBLE, overlay  # a light smear is not taken for a watermark
    kind = kind_of_words(words, rules)
    return (TextKind.OVERLAY if kind is TextKind.PRINTED and overlay else kind), overlay
