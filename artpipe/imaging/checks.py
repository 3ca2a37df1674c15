"""Marketplace rules checked on the encoded file (after JPEG encoding: ringing or chroma subsampling can turn
a pure 255 border into 254, so a file is judged as the platform will see it). Pure: bytes in, results out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from artpipe.defaults import AnalyzeSettings
from artpipe.errors import InputError
from artpipe.imaging.analyze import as_rgb, border_white_share, find_subject, framed_photo, ink, off_backdrop_share
from artpipe.imaging.backdrop import backdrop_region, region_copy
from artpipe.imaging.color import profile_name
from artpipe.imaging.open import bomb_guard, open_untrusted

# Judged while rendering into the preset (what a layer is, how much the photo was enlarged, whether the product
# ran out of its photo), not from the file.
RENDER_TIME = ("no_overlays", "low_resolution", "whole_product", "uncertain_cutout", "one_subject", "no_text")
_TOLERANCE = 28  # how far from pure white a pixel must be to count as product (the analysis's backdrop tolerance)
_WHITE = (255, 255, 255)
_OFF_WHITE = 4  # a background pixel further than this from white (any channel, after JPEG) is off-white
_FRAMED = ("the background was not removed: a photo in a white frame, not a product on white; use a cut-out "
           "or re-shoot on white")


@dataclass(frozen=True)
class Rule:
    """One platform rule as data: its kind, its numbers, where they come from and how sure we are."""

    kind: str
    params: dict[str, Any]
    source: str
    confidence: str


class RuleSet(Protocol):
    """Anything carrying rules (a marketplace preset): the checks read them and nothing else."""

    @property
    def rules(self) -> tuple[Rule, ...]: ...


@dataclass(frozen=True)
class CheckResult:
    """One rule's verdict: what was measured, against what limit, on whose word."""

    rule: str
    ok: bool
    measured: str
    limit: str
    source: str
    confidence: str

    def __str__(self) -> str:
        verdict = "pass" if self.ok else "FAIL"
        return f"{verdict} {self.rule}: {self.measured} (limit {self.limit}; {self.confidence}: {self.source})"


def num(value: float) -> str:
    """A rule's number as people write it: 10000000, 0.85, 38000."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _between(value: float, params: dict[str, float], unit: str) -> tuple[bool, str]:
    lo, hi = params.get("min"), params.get("max")
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    if lo is not None and hi is not None:
        limit = num(lo) if lo == hi else f"{num(lo)}-{num(hi)}"
    else:
        limit = f">= {num(lo)}" if lo is not None else f"<= {num(hi or 0)}"
    return ok, f"{limit}{unit}"


def _measure(rule: Rule, im: Image.Image, data: bytes, framed: tuple[bool, str], rules: AnalyzeSettings,
             blank: bool = False) -> tuple[bool, str, str]:
    """(ok, measured, limit) for one rule; ``framed``: whether the image is a framed photo, and what was seen;
    ``rules``: the analysis settings the product is found with; ``blank``: nothing in it differs from white (no
    product at all)."""
    w, h = im.size
    p = rule.params
    if rule.kind == "size":
        return (w, h) == (p["width"], p["height"]), f"{w}x{h}", f"{num(p['width'])}x{num(p['height'])}"
    if rule.kind in ("width", "height", "long_side", "pixels"):
        value = {"width": w, "height": h, "long_side": max(w, h), "pixels": w * h}[rule.kind]
        ok, limit = _between(value, p, " px")
        return ok, f"{value} px", limit
    if rule.kind == "square":
        return w == h, f"{w}x{h}", "width = height"
    if rule.kind == "formats":
        return (im.format or "") in p["allowed"], im.format or "unknown", ", ".join(p["allowed"])
    if rule.kind == "srgb":
        name = profile_name(im.info.get("icc_profile"))
        ok = name is None or "srgb" in name.lower()
        return ok, name or "untagged (read as sRGB)", "sRGB"
    if rule.kind == "bytes":
        ok, limit = _between(len(data), p, " bytes")
        return ok, f"{len(data)} bytes", limit
    if rule.kind == "white_background":
        share = border_white_share(im)
        off = _off_white_around(as_rgb(im))
        most = p.get("max_off_white", 0.2)
        ok = share >= p["share"] and off <= most
        measured = f"{share:.2%} of the border is pure white, {off:.0%} of the background off-white" + \
            ("" if off <= most else " (a grey box or floor around the product)")
        return ok, measured, f">= {p['share']:.0%} pure border, <= {most:.0%} off-white"
    if rule.kind == "isolated_product":
        if blank:
            return False, "no product: the image is white all over", "the product alone, not a framed photo"
        return not framed[0], _FRAMED if framed[0] else f"a product on white ({framed[1]})", \
            "the product alone, not a framed photo"
    if blank:  # a box of white says nothing of a product
        return False, "no product in the image", _limit(rule)
    if framed[0]:  # fill, margins and size of a frame say nothing about the product
        return False, "no product isolated (a framed photo)", _limit(rule)
    left, top, right, bottom = find_subject(as_rgb(im), max_side=max(w, h), rules=rules)[0]
    sw, sh = right - left, bottom - top
    if rule.kind == "fill":
        fill = max(sw, sh) / max(w, h)
        return fill >= p["min"], f"product fills {fill:.0%}", f">= {p['min']:.0%}"
    if rule.kind == "edge_margin":
        gaps = (left, w - right) if sw / w >= sh / h else (top, h - bottom)
        return max(gaps) <= p["max_px"], f"{max(gaps)} px from the edge", f"<= {num(p['max_px'])} px"
    if rule.kind == "subject":  # judged on the long side: a narrow phone 300 px tall is a 300 px subject
        return max(sw, sh) > p["min_px"], f"product {sw}x{sh} px", f"> {num(p['min_px'])} px on its long side"
    msg = f"unknown rule {rule.kind}"
    raise ValueError(msg)


def _off_white_around(rgb: Image.Image) -> float:
    """The share of the background around the product (near-white pixels connected to the edge, outside the box
    of what is clearly product) that is not pure white: a grey box or floor left around a cut-out. Inside the
    product's box near-white pixels may be the product itself (a white shirt), so they are not counted."""
    small = region_copy(rgb)  # once: the region is found on it, and the off-white share read from it
    region = backdrop_region(small, _WHITE, _TOLERANCE)
    box = ink(small, _WHITE, _TOLERANCE).getbbox()
    if box is not None:
        region = region.copy()
        region.paste(0, box)
    return off_backdrop_share(small, region, _WHITE, _OFF_WHITE)


def _limit(rule: Rule) -> str:
    p = rule.params
    return {"fill": f">= {p.get('min', 0):.0%}", "edge_margin": f"<= {num(p.get('max_px', 0))} px",
            "subject": f"> {num(p.get('min_px', 0))} px"}.get(rule.kind, "")


def check_bytes(data: bytes, preset: RuleSet, rules: AnalyzeSettings) -> list[CheckResult]:
    """Every pixel- and file-level rule of ``preset`` (a marketplace preset, or any set of rules) on an encoded
    image; the product is found with the analysis ``rules``."""
    try:
        with bomb_guard():  # the same safe open as every input: no Ghostscript, only the allowed formats
            im = open_untrusted(io.BytesIO(data), "the file")
            im.load()
    except InputError as exc:
        return [CheckResult("decode", False, f"cannot be read: {exc.reason}: {exc.message}", "a readable image",
                            "artpipe", "official")]
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return [CheckResult("decode", False, f"cannot be read: the image data is damaged ({exc})",
                            "a readable image", "artpipe", "official")]
    out = []
    pixel_rules = {"isolated_product", "fill", "edge_margin", "subject"}
    pixels = any(r.kind in pixel_rules for r in preset.rules)
    framed = framed_photo(im, _TOLERANCE) if pixels else (False, "")
    blank = pixels and ink(as_rgb(im), _WHITE, _TOLERANCE).getbbox() is None
    for rule in preset.rules:
        if rule.kind in RENDER_TIME:
            continue
        ok, measured, limit = _measure(rule, im, data, framed, rules, blank)
        out.append(CheckResult(rule.kind, ok, measured, limit, rule.source, rule.confidence))
    return out
