"""Price layers: ``¥39.90`` set like a store sets it, with a small currency sign and decimals on the big
integer's baseline (whichever side the sign stands on), optional words (``起``, ``/month``), an optional
struck-through original price and discount, fitted to the box. Prices are read and written with CLDR's locale
data (see text/prices.py); every character is drawn by the font chain text layers use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.errors import RenderError
from artpipe.layers.base import LoadContext, Placed, Scene, check_refs, read_color, read_length, resolve_color
from artpipe.layers.text import brand_fonts, read_families
from artpipe.schema import Reader
from artpipe.template.fields import single_reference, substitute
from artpipe.template.layout import anchor_offset
from artpipe.template.model import Layer, Length, Rect
from artpipe.text import fonts
from artpipe.text.draw import Setting, draw_line, ink, line_width
from artpipe.text.prices import (
    DEFAULT_LOCALE,
    Market,
    Part,
    Price,
    format_discount,
    locale_of,
    read_original,
    read_price,
)

KEYS = ("value", "was", "currency", "locale", "discount", "font", "color", "was_color", "anchor", "symbol_scale",
        "decimals_scale", "was_scale")
FONT_KEYS = ("family", "weight", "size", "min_size")


@dataclass(frozen=True, kw_only=True)
class PriceLayer(Layer):
    """A price, optionally with the original price struck through after it and the discount."""

    value: str
    was: str = ""
    currency: str = "¥"  # a sign or ISO code for a bare number, where the product and job name none
    locale: str = DEFAULT_LOCALE  # how a bare number is written, where the product and job name none
    discount: bool = False  # "-20%" after the original price
    family: tuple[str, ...] = ("sans",)
    weight: str = "bold"
    size: Length = Length(40, percent=True)
    min_size: Length | None = None
    color: str = "#e4393c"
    was_color: str = "#8a8a8f"
    anchor: str = "left"
    symbol_scale: float = 0.5
    decimals_scale: float = 0.55
    was_scale: float = 0.4


def parse(reader: Reader, common: dict[str, object], ctx: LoadContext) -> PriceLayer:
    """Read a price layer's own keys."""
    value = reader.text("value") or ""
    was = reader.text("was", "") or ""
    for key, text in (("value", value), ("was", was)):
        check_refs(reader, key, text, ctx)
    family: tuple[str, ...] = ("sans",)
    weight, size, min_size = "bold", Length(40, percent=True), None
    f = reader.mapping("font")
    if f is not None:
        f.check_keys(FONT_KEYS)
        family = read_families(f, ctx)
        weight = str(f.text("weight", "bold")).lower()
        if weight not in fonts.WEIGHTS:
            f.problem("weight", f"'{weight}' is not one of regular, bold")
            weight = "bold"
        size = read_length(f, "size", size) or size
        min_size = read_length(f, "min_size")
    return PriceLayer(
        **common,  # type: ignore[arg-type]
        value=value, was=was, currency=_currency(reader), locale=_locale(reader),
        discount=reader.flag("discount", False), family=family, weight=fonts.WEIGHTS[weight],
        size=size, min_size=min_size,
        color=read_color(reader, "color", ctx, "#e4393c") or "#e4393c",
        was_color=read_color(reader, "was_color", ctx, "#8a8a8f") or "#8a8a8f",
        anchor=reader.choice("anchor", ("left", "center", "right", "top-left", "top", "top-right", "bottom-left",
                                   "bottom", "bottom-right"), "left"),
        symbol_scale=reader.number("symbol_scale", 0.5, minimum=0.2, maximum=1),
        decimals_scale=reader.number("decimals_scale", 0.55, minimum=0.2, maximum=1),
        was_scale=reader.number("was_scale", 0.4, minimum=0.2, maximum=1),
    )


def _currency(reader: Reader) -> str:
    """``currency``: a sign as drawn or an ISO code; with a ``locale`` and no currency, the locale's own (a
    riyal in ar-SA), else the bundled templates' ``¥``."""
    return str(reader.text("currency", "" if reader.has("locale") else "¥") or "")


def _locale(reader: Reader) -> str:
    """``locale``: a CLDR locale as a BCP 47 tag (zh-CN, pt-BR, de-CH, ar-SA)."""
    tag = reader.text("locale", DEFAULT_LOCALE) or DEFAULT_LOCALE
    if locale_of(tag) is None:
        reader.problem("locale", f"'{tag}' is not a locale CLDR knows", "write it like zh-CN, pt-BR, de-CH or ar-SA")
        return DEFAULT_LOCALE
    return tag


Run = tuple[str, int, bool, bool]  # text, pixel size, struck through, in the regular weight


def _runs(layer: PriceLayer, price: Price, extra: tuple[Price | None, str], big: int) -> list[Run]:
    """(text, px, struck, regular) for each run, left to right as drawn, at integer size ``big``. A right-to-left
    price is read from the right: the original price and the discount stand on its left."""
    small, sign = max(1, round(big * layer.decimals_scale)), max(1, round(big * layer.symbol_scale))
    sizes = {Part.SIGN: sign, Part.GAP: sign, Part.INTEGER: big, Part.DASH: big, Part.DECIMALS: small,
             Part.WORD: small}
    runs: list[Run] = [(p.text, sizes[p.kind], False, False) for p in price.visual()]
    was, off = extra
    tail = max(1, round(big * layer.was_scale))
    after: list[list[Run]] = []  # after a gap each, in reading order
    if was is not None:  # each part struck through, in its own drawing order
        after.append([("  ", tail, False, True), *((p.text, tail, True, True) for p in was.visual())])
    if off:
        after.append([("  ", tail, False, False), (off, tail, False, False)])
    for group in after:
        runs = [*group[1:], group[0], *runs] if price.rtl else [*runs, *group]
    return [run for run in runs if run[0]]


def _market(layer: PriceLayer, scene: Scene) -> Market:
    """The product's or job's locale and currency over the template's; a locale alone brings its currency."""
    currency = scene.currency or ("" if scene.locale else layer.currency)
    return Market(scene.locale or layer.locale, currency)


def _settings(layer: PriceLayer, scene: Scene) -> dict[bool, Setting]:
    """How runs are set (by whether they are in the regular weight): the layer's fonts, the brand kit's,
    allowed system fonts, then every bundled family, as text layers do."""
    named = (scene.values.get(ref, "") if (ref := single_reference(n)) else n for n in layer.family)
    chain = tuple(f for f in named if f and (not fonts.is_font_file(f) or Path(f).is_file()))
    extra = (*brand_fonts(scene), *scene.system_fonts)
    return {regular: Setting(fonts.chain(chain or ("sans",), "regular" if regular else layer.weight, extra=extra),
                             1, scene.lang, 0.0, scene.settings.text.baseline) for regular in (False, True)}


def _width(runs: list[Run], setting: dict[bool, Setting]) -> float:
    return sum(line_width(text, _at(setting[regular], px)) for text, px, _, regular in runs)


def _overhang(runs: list[Run], setting: dict[bool, Setting], big: int) -> tuple[int, int]:
    """How far the runs' ink reaches above and below the integer's em box (an Arabic sign's tail, a Thai
    mark): room the fit keeps inside the box, so nothing is clipped."""
    em_above = round(big * setting[False].em_top)
    reach = [ink(text, _at(setting[regular], px)) for text, px, _, regular in runs if text.strip()]
    above, below = max((r[0] for r in reach), default=0), max((r[1] for r in reach), default=0)
    return max(0, above - em_above), max(0, below - (big - em_above))


def _at(setting: Setting, px: int) -> Setting:
    return Setting(setting.faces, px, setting.lang, 0.0, setting.em_top)


def _read(text: str, market: Market, layer: PriceLayer, where: str) -> Price:
    price = read_price(text, market)
    if price is None:
        raise RenderError(layer.origin, f"{where}: '{text}' is not a price (write it like ¥39.90, 39.90 or "
                          "1.299,00 €)")
    return price


def paint(layer: PriceLayer, rect: Rect, scene: Scene) -> Placed | None:
    """Set the price at the largest size that fits the box (between ``size`` and ``min_size``)."""
    text = substitute(layer.value, scene.values).strip()
    if not text or rect.w <= 0 or rect.h <= 0:
        return None
    where = f"layer {layer.name} at size {scene.size.name}"
    market = _market(layer, scene)
    price = _read(text, market, layer, where)
    was_text = substitute(layer.was, scene.values).strip()
    was = read_original(was_text, price, market) if was_text else None
    off = format_discount(price.amount, was.amount, market.locale) \
        if layer.discount and was is not None and was.currency == price.currency else ""
    extra = (was, off)
    setting = _settings(layer, scene)
    drawn = price.text + (was.text if was is not None else "") + off
    missing = fonts.missing_chars(drawn, setting[False].faces + setting[True].faces)
    if missing:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing[:5])
        raise RenderError(layer.origin, f"{where}: no font has a glyph for {shown}; replace the character(s) or "
                          "add a font that covers them (artpipe fonts lists what each font covers)")
    top_size = max(1, layer.size.pixels(scene.size.height))
    low = max(1, layer.min_size.pixels(scene.size.height)) if layer.min_size else top_size
    best = None
    lo, hi = min(low, top_size), top_size
    while lo <= hi:  # the largest integer size whose runs fit the box
        mid = (lo + hi) // 2
        runs = _runs(layer, price, extra, mid)
        if mid + sum(_overhang(runs, setting, mid)) <= rect.h and _width(runs, setting) <= rect.w:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    if best is None:
        raise RenderError(layer.origin, f"{where}: '{text}' does not fit the {rect.w}x{rect.h} px box even at "
                          f"{low} px (lower font.min_size or widen the box)")
    runs = _runs(layer, price, extra, best)
    used = {r.face.label: None for text, _, _, regular in runs for r in fonts.runs(text, setting[regular].faces)}
    return Placed(_draw(layer, runs, best, rect, scene, setting), rect.x, rect.y, fonts=tuple(used))


def _draw(layer: PriceLayer, runs: list[Run], big: int, rect: Rect, scene: Scene,
          setting: dict[bool, Setting]) -> Image.Image:
    out = Image.new("RGBA", (rect.w, rect.h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(out)
    width = round(_width(runs, setting))
    above, below = _overhang(runs, setting, big)
    left, y = anchor_offset(width, big + above + below, rect.w, rect.h, layer.anchor)
    x = float(left)
    baseline = y + above + round(big * setting[False].em_top)
    color, was_color = (resolve_color(c, scene, layer.origin) for c in (layer.color, layer.was_color))
    for text, px, struck, regular in runs:
        fill = was_color if struck else color
        at = _at(setting[regular], px)
        start = x
        x = draw_line(out, x, baseline, text, at, fill)
        if struck:  # through the middle of the digits (x-height)
            y_line = baseline - round(px * 0.36)
            draw.line((start, y_line, x, y_line), fill=fill, width=max(1, round(px / 12)))
    if layer.opacity < 1:
        out.putalpha(out.getchannel("A").point(lambda a: round(a * layer.opacity)))
    return out
