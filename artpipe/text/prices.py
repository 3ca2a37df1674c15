"""Prices read and written the way each market writes them, with CLDR's locale data (Babel): which currency a
symbol or code names, on which side of the number it stands, how digits are grouped and decimals marked.

A price is split into parts for setting (sign, integer, decimals, words) in reading order, and keeps its amount
as a Decimal, so a discount can be computed and a test can check that what is drawn is what was meant. A price
that carries its currency keeps it as written; a bare number is written in its market's own way.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.localedata import locale_identifiers
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_group_symbol,
    get_territory_currencies,
    list_currencies,
)

from artpipe.text.scripts import rtl_paragraph

DEFAULT_LOCALE = "zh-CN"  # the bundled templates' market, where a template and the job say none
# Directional marks CLDR puts around Arabic and Hebrew prices: they steer the drawing order, not the reading.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_SPACES = " \u00a0\u202f\u2009\u2007"
# Digits with group separators (a space only before a group of three) and decimals; ``1'299.–`` and ``5,-``
# are Swiss and German ways of writing "no cents".
_NUMBER = re.compile(r"\d+(?:(?:[.,'’٬٫،⹁]|[ \u00a0\u202f\u2009\u2007](?=\d{3}(?!\d)))\d+)*(?:[.,][-–—]{1,2})?")
_DECIMAL_MARKS = ".,٫"  # a group mark such as ' ’ ، ⹁ or a space never ends an amount's digits
_RANGE = re.compile(r"^\s*([-–—~～至到])\s*(?=\d)")


class Part(Enum):
    """What a piece of a price is, which decides its size when set."""

    SIGN = "sign"  # the currency symbol or code
    INTEGER = "integer"
    DECIMALS = "decimals"  # with their separator
    DASH = "dash"  # between the two amounts of a range
    WORD = "word"  # 起, from, /month
    GAP = "gap"  # space between the sign or a word and the number


@dataclass(frozen=True)
class PricePart:
    kind: Part
    text: str


@dataclass(frozen=True)
class Price:
    """A price as read: its parts in reading order, amount, currency (ISO 4217, "" when CLDR knows no currency
    by its sign) and, for a range, the upper amount."""

    parts: tuple[PricePart, ...]
    amount: Decimal
    currency: str = ""
    upper: Decimal | None = None
    rtl: bool = False  # a right-to-left paragraph (an Arabic or Hebrew sign): drawn sign and number swapped

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)

    def visual(self) -> tuple[PricePart, ...]:
        """The parts left to right as drawn: a right-to-left price reverses its pieces, the number (integer,
        decimals, range) staying in its own left-to-right order (Unicode's bidi rule for numbers)."""
        if not self.rtl:
            return self.parts
        units: list[list[PricePart]] = []
        numeric = (Part.INTEGER, Part.DECIMALS, Part.DASH)
        for part in self.parts:
            if units and part.kind in numeric and units[-1][-1].kind in numeric:
                units[-1].append(part)
            else:
                units.append([part])
        return tuple(p for unit in reversed(units) for p in unit)


@dataclass(frozen=True)
class Market:
    """Where a price is sold: a CLDR locale (``pt-BR``) and a currency (an ISO code or a sign as written)."""

    locale: str = DEFAULT_LOCALE
    currency: str = ""


def locale_of(tag: str) -> Locale | None:
    """The CLDR locale of a BCP 47 tag (``pt-BR``, ``zh-Hant-TW``) or identifier (``pt_BR``); None if unknown."""
    try:
        return Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def is_currency_code(text: str) -> bool:
    """True for an ISO 4217 code CLDR knows (``EUR``)."""
    return text in _codes()


@cache
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_of(tag: str) -> str:
    """The currency a locale's country uses today (``ar-SA`` -> ``SAR``; a language alone, its likely country);
    "" when CLDR names none."""
    loc = locale_of(tag)
    if loc is None:
        return ""
    territory = loc.territory
    if territory is None:
        likely = locale_of(str(get_global("likely_subtags").get(loc.language, "")))
        territory = likely.territory if likely is not None else None
    found = get_territory_currencies(territory) if territory else []
    return found[0] if found else ""


def _key(symbol: str) -> str:
    return symbol.translate(_MARKS).strip(_SPACES).rstrip(".")


@cache
def _all_symbols() -> dict[str, tuple[str, ...]]:
    """Every currency symbol of every CLDR locale -> the codes it stands for (loaded once: about a second)."""
    table: dict[str, set[str]] = {code: {code} for code in _codes()}
    for ident in locale_identifiers():
        try:
            symbols = Locale.parse(ident).currency_symbols
        except (UnknownLocaleError, ValueError):
            continue
        for code, symbol in symbols.items():
            table.setdefault(_key(symbol), set()).add(code)
    return {k: tuple(sorted(v)) for k, v in table.items() if k}


@cache
def _locale_symbols(tag: str) -> dict[str, tuple[str, ...]]:
    loc = locale_of(tag)
    out: dict[str, list[str]] = {}
    for code, symbol in (loc.currency_symbols.items() if loc is not None else ()):
        out.setdefault(_key(symbol), []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def currency_named(symbol: str, market: Market) -> str:
    """The ISO code a sign or code names in ``market`` (``¥`` is CNY in zh-CN, JPY in ja-JP); "" if none."""
    key = _key(symbol)
    if key in _codes():
        return key
    for table in (_locale_symbols(market.locale), _locale_symbols("en"), _all_symbols()):
        codes = table.get(key, ())
        if codes:
            preferred = (market.currency, currency_of(market.locale))
            return next((c for c in preferred if c in codes), codes[0])
    return ""


def _sign_before(before: str, market: Market) -> tuple[list[PricePart], str]:
    """The parts before the number: words, then the sign next to it (the longest CLDR knows, ``F CFA``; else
    the last word, as a store's own mark would be)."""
    stripped = before.rstrip(_SPACES)
    gap = before[len(stripped):]
    m = re.search(r"\S+$", stripped)
    if m is None:
        return ([PricePart(Part.WORD, before)] if before else []), ""
    start, code = m.start(), currency_named(m.group(), market)
    for at in _starts(stripped):
        if at < m.start() and currency_named(stripped[at:], market):
            start, code = at, currency_named(stripped[at:], market)
            break
    parts = [PricePart(Part.WORD, stripped[:start])] if start else []
    parts.append(PricePart(Part.SIGN, stripped[start:]))
    if gap:
        parts.append(PricePart(Part.GAP, gap))
    return parts, code


def _starts(text: str) -> list[int]:
    """Where words start in the last dozen characters of ``text``, the earliest first."""
    return [i for i in range(max(0, len(text) - 12), len(text)) if not text[i].isspace()
            and (i == 0 or text[i - 1].isspace())]


def _sign_after(after: str, market: Market) -> tuple[list[PricePart], str]:
    """The parts after the number: the longest sign CLDR knows next to it (``zł``, ``₫``, ``元``, ``F CFA``),
    then words."""
    body = after.lstrip(_SPACES).translate(_MARKS)
    gap = after[:len(after) - len(after.lstrip(_SPACES))]
    for end in range(min(len(body), 12), 0, -1):
        sign = body[:end]
        if sign[-1].isspace() or (sign[-1].isalnum() and end < len(body) and body[end].isalnum()):
            continue  # a sign ends where a word does: "USD" is not "US" + "D"
        code = currency_named(sign, market)
        if code:
            rest = body[end:]
            parts = [PricePart(Part.GAP, gap)] if gap else []
            parts.append(PricePart(Part.SIGN, sign))
            return parts + ([PricePart(Part.WORD, rest)] if rest.strip() else []), code
    return ([PricePart(Part.WORD, after)] if after.strip() else []), ""


def _number(text: str, precision: int, group: str = ",") -> tuple[list[PricePart], Decimal]:
    """Integer and decimal parts of one number, and its amount. Several separators of one kind group digits
    (``1,29,999``); of two kinds, the last one marks decimals (``1.299,00``); one alone followed by three
    digits groups them (``99.000₫``, ``$1,299``) unless the currency has three decimals and the market's
    locale does not group with that mark (``group``)."""
    dash = re.search(r"[.,][-–—]+$", text)
    if dash is not None:
        return [PricePart(Part.INTEGER, text[:dash.start()]), PricePart(Part.DECIMALS, dash.group())], \
            _digits(text[:dash.start()])
    seps = [(i, ch) for i, ch in enumerate(text) if not ch.isdigit()]
    decimal = False
    if seps:
        at, last = seps[-1]
        tail = text[at + 1:]
        if last == "٫":
            decimal = True
        elif last in _DECIMAL_MARKS:
            alone = sum(ch == last for _, ch in seps) == 1
            decimal = (alone and len(seps) > 1) or \
                (len(seps) == 1 and (len(tail) != 3 or (precision >= 3 and last != group)))
    if not decimal:
        return [PricePart(Part.INTEGER, text)], _digits(text)
    at = seps[-1][0]
    parts = [PricePart(Part.INTEGER, text[:at]), PricePart(Part.DECIMALS, text[at:])]
    return parts, _digits(text[:at]) + _digits(text[at + 1:]) / Decimal(10) ** len(text[at + 1:])


@cache
def _group_mark(tag: str) -> str:
    loc = locale_of(tag)
    return get_group_symbol(loc) if loc is not None else ","


def _digits(text: str) -> Decimal:
    return Decimal("".join(str(int(ch)) for ch in text if ch.isdigit()) or "0")


def read_price(text: str, market: Market) -> Price | None:
    """Read a price as written (``1.299,00 €``, ``R$ 1.299,90``, ``¥39-59``, ``US$12.99/month``); None when
    ``text`` holds no number. A bare number is written in ``market``'s way, in its currency."""
    clean = text.strip().translate(_MARKS)
    m = _NUMBER.search(clean)
    if m is None:
        return None
    before, after = clean[:m.start()], clean[m.end():]
    second = None
    r = _RANGE.match(after)
    if r is not None:
        second = _NUMBER.match(after, r.end())
    lead, code = _sign_before(before, market)
    tail_text = after[second.end():] if second is not None else after
    trail: list[PricePart] = []
    if not code or not any(p.kind is Part.SIGN for p in lead):
        trail, after_code = _sign_after(tail_text, market)
        code = code or after_code
    else:
        trail = [PricePart(Part.WORD, tail_text)] if tail_text.strip() else []
    has_sign = any(p.kind is Part.SIGN for p in (*lead, *trail))
    precision = get_currency_precision(code) if code else 2
    group = _group_mark(market.locale)
    first, amount = _number(m.group(), precision, group)
    middle, upper = first, None
    if second is not None and r is not None:
        rest, upper = _number(second.group(), precision, group)
        middle = [*first, PricePart(Part.DASH, after[:second.start()]), *rest]
    if not has_sign:
        return _bare(amount, upper, middle, lead + trail, market)
    parts = tuple(p for p in (*lead, *middle, *trail) if p.text)
    return Price(parts, amount, code, upper, rtl_paragraph(text))


def read_original(text: str, price: Price, market: Market) -> Price:
    """The original price shown struck through after ``price``: a bare number is in the price's currency with
    its sign as the price writes it (``¥1,800`` after ``¥1,299``, not CLDR's ``￥1,800`` in ja-JP); words
    without a number (``原价``) are kept as written, with no amount."""
    sign = next((p.text for p in price.parts if p.kind is Part.SIGN), "")
    found = read_price(text, Market(market.locale, sign or price.currency or market.currency))
    return found if found is not None else Price((PricePart(Part.WORD, text),), Decimal(0))


def _bare(amount: Decimal, upper: Decimal | None, number: list[PricePart], words: list[PricePart],
          market: Market) -> Price:
    """A number without a sign, written in the market's way (its grouping, decimal mark, sign and side), with
    as many decimals as it was given; a range's second amount after the first; the words kept after it."""
    decimals = next((len(p.text) - 1 for p in number if p.kind is Part.DECIMALS), 0)
    code = currency_named(market.currency, market) if market.currency else currency_of(market.locale)
    price = read_price(format_price(amount, code, market.locale, decimals), Market(market.locale, code)) \
        if code else None
    if price is None or not any(p.kind is Part.SIGN for p in price.parts):
        sign = [PricePart(Part.SIGN, market.currency)] if market.currency else []
        return Price(tuple(sign + number + words), amount, code, upper)
    parts = list(price.parts)
    if market.currency and not is_currency_code(market.currency):  # a sign written as the template writes it
        parts = [PricePart(Part.SIGN, market.currency) if p.kind is Part.SIGN else p for p in parts]
    if upper is not None:
        dash = next(p for p in number if p.kind is Part.DASH)
        at = max(i for i, p in enumerate(parts) if p.kind in (Part.INTEGER, Part.DECIMALS)) + 1
        more, _ = _number(format_amount(upper, market.locale, decimals).translate(_MARKS),
                          get_currency_precision(code), _group_mark(market.locale))
        parts[at:at] = [dash, *more]
    return Price(tuple(parts + words), amount, code, upper, price.rtl)


def _pattern(tag: str, decimals: int, kind: str) -> tuple[Locale, NumberPattern]:
    loc = locale_of(tag) or Locale.parse("zh_CN")
    pattern = copy.copy(loc.currency_formats["standard"] if kind == "currency" else loc.decimal_formats[None])
    pattern.frac_prec = (decimals, decimals)  # the merchant's decimals: ``45`` stays 45, not 45.00
    return loc, pattern


def format_price(amount: Decimal, code: str, tag: str, decimals: int = 2) -> str:
    """``amount`` in ``code`` as locale ``tag`` writes it (``1.299,90 €`` in de-DE), Latin digits."""
    loc, pattern = _pattern(tag, decimals, "currency")
    return str(pattern.apply(amount, loc, currency=code, currency_digits=False))


def format_amount(amount: Decimal, tag: str, decimals: int = 0) -> str:
    """A plain number as locale ``tag`` groups it (``1,29,999`` in hi-IN)."""
    loc, pattern = _pattern(tag, decimals, "decimal")
    return str(pattern.apply(amount, loc))


def format_discount(now: Decimal, was: Decimal, tag: str) -> str:
    """How much cheaper ``now`` is than ``was`` as locale ``tag`` writes a negative percentage (``-20%``,
    ``-20 %``); "" when it is not cheaper."""
    if was <= 0 or now >= was:
        return ""
    share = ((now - was) / was).quantize(Decimal("0.01"))
    if share == 0:
        return ""
    loc = locale_of(tag) or Locale.parse("zh_CN")
    return str(loc.percent_formats[None].apply(share, loc))
