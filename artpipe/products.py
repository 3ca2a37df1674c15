"""Product rows of a job: inline or from a CSV, over the job's defaults and the merchant's brand kit.

Every value is checked against the fields of the job's templates; image and font paths resolve against
the file that names them (the job, the CSV or the brand kit).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from artpipe.defaults import settings
from artpipe.errors import Problem
from artpipe.schema import Problems, Reader, suggest
from artpipe.template.model import Field, Template
from artpipe.text.prices import Market, currency_named, locale_of
from artpipe.yamlsrc import YList, YMap, load_yaml


@dataclass(frozen=True)
class Product:
    """One row of a job: its text/colour values and image paths (resolved against the file naming them)."""

    index: int
    sku: str
    values: dict[str, str]
    images: dict[str, Path]
    file: str  # the job or CSV file the product comes from
    line: int
    primary: Path | None = None  # the input this product is reported under: the first image its row names
    locale: str = ""  # the market a bare price is written for (a CLDR locale; "": the job's, else the template's)
    currency: str = ""  # the currency of a bare price (ISO code or sign; "": the job's or the locale's)
    subjects: str = "one"  # "set": several pieces sold together (a main image's one-subject rule allows them)

    @property
    def origin(self) -> str:
        """``file:line`` of the product, for messages (the file alone for a product that is a file, line 0)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def problem(self, where: str, what: str, hint: str = "") -> Problem:
        """A problem located at this product."""
        return Problem(self.file, self.line, 1, where, what, hint)


def _value(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _csv_rows(path: Path, display: str, problems: Problems) -> list[tuple[dict[str, str], int]]:
    try:
        if path.stat().st_size > settings().csv.max_bytes:
            problems.add(Problem(display, 0, 0, "", "the CSV is too large", "split it into several jobs"))
            return []
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.add(Problem(display, 0, 0, "", f"cannot read: {exc.strerror or exc}"))
        return []
    except UnicodeDecodeError:
        problems.add(Problem(display, 0, 0, "", "not UTF-8 text", "save the CSV as UTF-8"))
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[dict[str, str], int]] = []
    try:
        for row in reader:
            if len(rows) >= settings().csv.max_rows:
                problems.add(Problem(display, reader.line_num, 1, "", "too many rows", "split it into several jobs"))
                break
            if None in row:
                problems.add(Problem(display, reader.line_num, 1, "", "more cells than header columns"))
                continue
            rows.append(({k.strip(): (v or "").strip() for k, v in row.items() if k}, reader.line_num))
    except csv.Error as exc:  # a cell over the csv module's 131072-character limit, a NUL byte...
        problems.add(Problem(display, reader.line_num, 1, "", f"unreadable CSV ({exc})",
                             "check for very long cells, NUL bytes or unclosed quotes"))
    return rows


Values = tuple[dict[str, str], dict[str, Path]]  # (text and colour values, image paths)
MARKET_KEYS = ("locale", "currency")  # a product's (and a job's) market, for its prices; not template fields
SUBJECTS = ("one", "set")  # a product's ``subjects``: one product, or a set sold together


def market_problem(key: str, value: str) -> tuple[str, str] | None:
    """What is wrong with a ``locale`` or ``currency`` value, and the hint; None when it is good."""
    if key == "locale" and locale_of(value) is None:
        return f"'{value}' is not a locale CLDR knows", "write it like zh-CN, pt-BR, de-CH or ar-SA"
    if key == "currency" and not currency_named(value, Market()):
        return f"'{value}' is not a currency CLDR knows", "write an ISO code like EUR or a sign like €"
    return None


def _classify(raw: dict[str, object], base: Path, fields: dict[str, Field],
              unknown: Callable[[str], None], reserved: tuple[str, ...] = ()) -> Values:
    """Split a row into text/colour values and image paths (resolved against ``base``); ``reserved`` keys are
    the row's own (sku, locale, currency), not fields."""
    values: dict[str, str] = {}
    images: dict[str, Path] = {}
    for key, value in raw.items():
        if key in reserved:
            continue
        if key not in fields:
            unknown(key)
            continue
        text = _value(value)
        kind = fields[key].type
        if kind == "image":
            if text:
                images[key] = (base / text) if not Path(text).is_absolute() else Path(text)
        elif kind == "font":
            # A font file travels as a value (an absolute path), found relative to the file naming it.
            values[key] = str(((base / text) if not Path(text).is_absolute() else Path(text)).resolve()) if text else ""
        else:
            values[key] = text
    return values, images


def _all_fields(templates: list[Template]) -> dict[str, Field]:
    return {name: f for t in templates for name, f in t.fields.items()}


def _product(index: int, raw: dict[str, object], origin: tuple[str, int, int], base: Path,
             templates: list[Template], defaults: Values, problems: Problems,
             market: tuple[str, str] = ("", "")) -> Product:
    file, line, col = origin
    fields = _all_fields(templates)

    def unknown(key: str) -> None:
        problems.add(Problem(file, line, col, f"products[{index}].{key}", "not a field of any template",
                             suggest(key, fields) or f"fields: {', '.join(sorted(fields))}"))
    own_values, own_images = _classify(raw, base, fields, unknown, ("sku", "subjects", *MARKET_KEYS))
    subjects = _value(raw.get("subjects")).strip() or "one"
    if subjects not in SUBJECTS:
        problems.add(Problem(file, line, col, f"products[{index}].subjects", f"'{subjects}' is not one of "
                             f"{', '.join(SUBJECTS)}", "write set for several pieces sold together"))
        subjects = "one"
    own_market = {key: _value(raw.get(key)).strip() for key in MARKET_KEYS}
    for key, value in own_market.items():
        wrong = market_problem(key, value) if value else None
        if wrong is not None:
            problems.add(Problem(file, line, col, f"products[{index}].{key}", *wrong))
            own_market[key] = ""
    values = {**defaults[0], **own_values}
    images = {**defaults[1], **own_images}
    for t in templates:
        for name, f in t.fields.items():
            given = images.get(name) if f.type == "image" else values.get(name, "").strip()
            if f.required and not given:
                problems.add(Problem(file, line, col, f"products[{index}]",
                                     f"missing '{name}', required by template {t.name}"))
    sku = _value(raw.get("sku")) or f"{index + 1:04d}"
    primary = next(iter(own_images.values()), next(iter(images.values()), None))
    return Product(index, sku, values, images, file, line, primary, own_market["locale"] or market[0],
                   own_market["currency"] or market[1], subjects)


def _values_of(d: Reader, base: Path, templates: list[Template], *, shared: bool = False) -> Values:
    """A mapping of field values (brand kit or defaults); image paths relative to ``base``.

    ``shared`` (a brand kit, used by jobs with other templates): a key no template here uses is fine,
    unless it looks like a typo of one that is.
    """
    fields = _all_fields(templates)

    def unknown(key: str) -> None:
        # In a shared kit only a near miss is suspicious: "acent" for accent, not "slogan" beside logo.
        hint = suggest(key, fields, cutoff=0.85 if shared else 0.6)
        if hint or not shared:
            d.problem(key, "not a field of any template", hint, at_key=True)
    return _classify(dict(d.node), base, fields, unknown)


def _brand(reader: Reader, job_dir: Path, templates: list[Template]) -> Values:
    """``brand``: a merchant's kit (logo, colours, shop name...) as a YAML file or inline; paths in a brand
    file are relative to that file, so one kit serves every job."""
    raw = reader.raw("brand")
    if raw is None:
        return {}, {}
    if isinstance(raw, str):
        path = job_dir / raw
        if not path.is_file():
            reader.problem("brand", f"no brand file '{raw}'", "give a YAML file of field values, relative to the job")
            return {}, {}
        data = load_yaml(path, os.path.normpath(Path(reader.file).parent / raw))
        if not isinstance(data, YMap):
            reader.problem("brand", f"'{raw}' must be a mapping of field values")
            return {}, {}
        return _values_of(Reader(data, "", reader.problems), path.parent, templates, shared=True)
    b = reader.mapping("brand")
    return _values_of(b, job_dir, templates, shared=True) if b is not None else ({}, {})


def _defaults(reader: Reader, job_dir: Path, templates: list[Template]) -> Values:
    """What every product starts from: the brand kit, then the job's ``defaults`` (paths relative to the job)."""
    values, images = _brand(reader, job_dir, templates)
    d = reader.mapping("defaults")
    if d is not None:
        own_values, own_images = _values_of(d, job_dir, templates)
        values, images = {**values, **own_values}, {**images, **own_images}
    return values, images


def _job_market(reader: Reader) -> tuple[str, str]:
    """The job's ``locale`` and ``currency``: every product's unless its row names its own."""
    out = []
    for key in MARKET_KEYS:
        value = str(reader.text(key, "") or "").strip()
        wrong = market_problem(key, value) if value else None
        if wrong is not None:
            reader.problem(key, *wrong)
            value = ""
        out.append(value)
    return out[0], out[1]


def read_products(reader: Reader, job_dir: Path, templates: list[Template], problems: Problems) -> list[Product]:
    """The job's products (inline or from its CSV) over the brand kit, the job's defaults and its market."""
    defaults = _defaults(reader, job_dir, templates)
    market = _job_market(reader)
    if reader.has("products") == reader.has("csv"):
        reader.problem(None, "give products (a list) or csv (a file), exactly one")
        return []
    out: list[Product] = []
    if reader.has("csv"):
        rel = reader.text("csv") or ""
        path = job_dir / rel
        display = str(Path(reader.file).parent / rel)
        found = len(problems.items)
        for i, (row, line) in enumerate(_csv_rows(path, display, problems)):
            out.append(_product(i, dict(row), (display, line, 1), path.parent, templates, defaults, problems,
                                market))
        if not out and len(problems.items) == found:  # named by the CSV, not the job that points at it
            problems.add(Problem(display, 0, 0, "", "the CSV has no products",
                                 "write a header line like sku,product,headline, then one line per product"))
    else:
        seq = reader.sequence("products") or YList(reader.file, reader.mark())
        for i in range(len(seq)):
            entry = reader.item(seq, i, f"products[{i}]")
            if entry is None:
                continue
            line, col = seq.item_marks[i]
            out.append(_product(i, dict(entry.node), (reader.file, line, col), job_dir, templates, defaults, problems,
                                market))
    seen: dict[str, str] = {}
    for p in out:
        if p.sku in seen:
            problems.add(p.problem(f"products[{p.index}].sku", f"duplicate sku '{p.sku}' (first at {seen[p.sku]})",
                                   "skus must be unique"))
        seen.setdefault(p.sku, p.origin)
    if not out and not problems.items:
        reader.problem(None, "the job has no products")
    return out
