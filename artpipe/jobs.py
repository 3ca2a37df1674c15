"""Job files (YAML) and product CSVs -> validated Job -> tasks grouped by input (one task per product)."""

from __future__ import annotations

import csv
import io
import os
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from artpipe.colors import is_color, parse_color
from artpipe.defaults import setting
from artpipe.errors import ConfigError, Problem
from artpipe.imaging.encode import EXTENSIONS, SUBSAMPLING, EncodeOptions
from artpipe.schema import Problems, Reader, suggest
from artpipe.template.load import bundled_templates, find_template, load_template
from artpipe.template.model import Field, Template
from artpipe.yamlsrc import Mark, YList, YMap, load_yaml

JOB_KEYS = ("name", "templates", "sizes", "output", "format", "brand", "defaults", "products", "csv")
ENTRY_KEYS = ("template", "sizes")
FORMAT_KEYS = ("type", "quality", "background", "progressive", "subsampling", "lossless")
FORMAT_TYPES = {"jpeg": "JPEG", "jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
PATTERN_KEYS = ("sku", "template", "size", "index", "stem")
DEFAULT_OUTPUT = "{sku}/{template}-{size}.jpg"
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class JobTemplate:
    """A template a job renders and which of its sizes."""

    template: Template
    sizes: tuple[str, ...]


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

    @property
    def origin(self) -> str:
        """``file:line`` of the product, for messages."""
        return f"{self.file}:{self.line}"

    def problem(self, where: str, what: str, hint: str = "") -> Problem:
        """A problem located at this product."""
        return Problem(self.file, self.line, 1, where, what, hint)


@dataclass(frozen=True)
class Job:
    """A validated job."""

    path: Path
    name: str
    templates: tuple[JobTemplate, ...]
    output: str
    encode: EncodeOptions
    products: tuple[Product, ...]


@dataclass(frozen=True)
class RenderSpec:
    """One output of a task."""

    template: int  # index into Job.templates
    size: str
    output: Path


@dataclass(frozen=True)
class Task:
    """Everything one worker needs to render one product into all its outputs."""

    index: int
    product: Product
    templates: tuple[Template, ...]
    renders: tuple[RenderSpec, ...]
    encode: EncodeOptions


def _entries(r: Reader) -> list[tuple[str, Reader | None, Mark, int]]:
    """(template reference, its entry's reader when it is a mapping, its position, index) per entry."""
    seq = r.sequence("templates", required=True)
    out: list[tuple[str, Reader | None, Mark, int]] = []
    if seq is None:
        return out
    for i, item in enumerate(seq):
        if isinstance(item, str):
            out.append((item, None, seq.item_marks[i], i))
            continue
        er = r.item(seq, i, f"templates[{i}]")
        if er is not None:
            er.check_keys(ENTRY_KEYS, ("template",))
            out.append((er.text("template", "") or "", er, seq.item_marks[i], i))
    return out


def _sizes(r: Reader | None, key: str, template: Template, default: object) -> tuple[str, ...]:
    raw = r.raw(key, default) if r is not None else default
    if raw is None or raw == "all":
        return template.size_names
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    if r is not None and not names:
        r.problem(key, "must be all or a list of size names")
    good = []
    for name in names:
        if str(name) in template.size_names:
            good.append(str(name))
        elif r is not None:
            r.problem(key, f"template {template.name} has no size '{name}'",
                      suggest(str(name), template.size_names) or f"its sizes: {', '.join(template.size_names)}")
    return tuple(good)


def _templates(r: Reader, job_dir: Path, problems: Problems) -> list[JobTemplate]:
    out = []
    for ref, er, (line, col), i in _entries(r):
        path = find_template(ref, [job_dir, Path.cwd()])
        if path is None:
            hint = suggest(ref, bundled_templates()) or "give a path to a template file or folder"
            problems.add(Problem(r.file, line, col, f"templates[{i}]", f"no template '{ref}'", hint))
            continue
        try:
            template = load_template(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        sizes = _sizes(er, "sizes", template, r.raw("sizes", "all")) if er is not None and er.has("sizes") \
            else _sizes(r, "sizes", template, "all")
        out.append(JobTemplate(template, sizes))
    return out


def _encode(r: Reader, output: str) -> EncodeOptions:
    f = r.mapping("format")
    ext = Path(output).suffix.lower()
    fmt = EXTENSIONS.get(ext)
    if f is None:
        if fmt is None:
            r.problem("output", f"cannot tell the format from '{ext or 'no extension'}'",
                      "end the pattern in .jpg, .png or .webp")
        return EncodeOptions(format=fmt or "JPEG", quality=setting("encode", "jpeg_quality"))
    f.check_keys(FORMAT_KEYS)
    kind = f.choice("type", tuple(FORMAT_TYPES), None)
    fmt = FORMAT_TYPES[kind] if kind else fmt
    if fmt is None:
        f.problem(None, f"cannot tell the format from '{ext or 'no extension'}'", "set format.type")
        fmt = "JPEG"
    background = f.text("background", setting("encode", "background"))
    if not is_color(str(background)):
        f.problem("background", f"'{background}' is not a colour")
        background = "#ffffff"
    bg = parse_color(str(background))
    default_q = setting("encode", "webp_quality" if fmt == "WEBP" else "jpeg_quality")
    return EncodeOptions(
        format=fmt, quality=f.number("quality", default_q, minimum=1, maximum=100, integer=True),
        background=(bg[0], bg[1], bg[2]), progressive=f.flag("progressive", False),
        subsampling=f.choice("subsampling", SUBSAMPLING, "4:2:0"), lossless=f.flag("lossless", False))


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
        if path.stat().st_size > setting("csv", "max_bytes"):
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
    for row in reader:
        if len(rows) >= setting("csv", "max_rows"):
            problems.add(Problem(display, reader.line_num, 1, "", "too many rows", "split it into several jobs"))
            break
        if None in row:
            problems.add(Problem(display, reader.line_num, 1, "", "more cells than header columns"))
            continue
        rows.append(({k.strip(): (v or "").strip() for k, v in row.items() if k}, reader.line_num))
    return rows


Values = tuple[dict[str, str], dict[str, Path]]  # (text and colour values, image paths)


def _classify(raw: dict[str, object], base: Path, fields: dict[str, Field],
              unknown: Callable[[str], None]) -> Values:
    """Split a row into text/colour values and image paths (resolved against ``base``)."""
    values: dict[str, str] = {}
    images: dict[str, Path] = {}
    for key, value in raw.items():
        if key == "sku":
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


def _all_fields(templates: list[JobTemplate]) -> dict[str, Field]:
    return {name: f for jt in templates for name, f in jt.template.fields.items()}


def _product(index: int, raw: dict[str, object], origin: tuple[str, int, int], base: Path,
             templates: list[JobTemplate], defaults: Values, problems: Problems) -> Product:
    file, line, col = origin
    fields = _all_fields(templates)

    def unknown(key: str) -> None:
        problems.add(Problem(file, line, col, f"products[{index}].{key}", "not a field of any template",
                             suggest(key, fields) or f"fields: {', '.join(sorted(fields))}"))
    own_values, own_images = _classify(raw, base, fields, unknown)
    values = {**defaults[0], **own_values}
    images = {**defaults[1], **own_images}
    for jt in templates:
        for name, f in jt.template.fields.items():
            given = images.get(name) if f.type == "image" else values.get(name, "").strip()
            if f.required and not given:
                problems.add(Problem(file, line, col, f"products[{index}]",
                                     f"missing '{name}', required by template {jt.template.name}"))
    sku = _value(raw.get("sku")) or f"{index + 1:04d}"
    primary = next(iter(own_images.values()), next(iter(images.values()), None))
    return Product(index, sku, values, images, file, line, primary)


def _values_of(d: Reader, base: Path, templates: list[JobTemplate], *, shared: bool = False) -> Values:
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


def _brand(r: Reader, job_dir: Path, templates: list[JobTemplate]) -> Values:
    """``brand``: a merchant's kit (logo, colours, shop name...) as a YAML file or inline; paths in a brand
    file are relative to that file, so one kit serves every job."""
    raw = r.raw("brand")
    if raw is None:
        return {}, {}
    if isinstance(raw, str):
        path = job_dir / raw
        if not path.is_file():
            r.problem("brand", f"no brand file '{raw}'", "give a YAML file of field values, relative to the job")
            return {}, {}
        data = load_yaml(path, os.path.normpath(Path(r.file).parent / raw))
        if not isinstance(data, YMap):
            r.problem("brand", f"'{raw}' must be a mapping of field values")
            return {}, {}
        return _values_of(Reader(data, "", r.problems), path.parent, templates, shared=True)
    b = r.mapping("brand")
    return _values_of(b, job_dir, templates, shared=True) if b is not None else ({}, {})


def _defaults(r: Reader, job_dir: Path, templates: list[JobTemplate]) -> Values:
    """What every product starts from: the brand kit, then the job's ``defaults`` (paths relative to the job)."""
    values, images = _brand(r, job_dir, templates)
    d = r.mapping("defaults")
    if d is not None:
        own_values, own_images = _values_of(d, job_dir, templates)
        values, images = {**values, **own_values}, {**images, **own_images}
    return values, images


def _products(r: Reader, job_dir: Path, templates: list[JobTemplate], problems: Problems) -> list[Product]:
    defaults = _defaults(r, job_dir, templates)
    if r.has("products") == r.has("csv"):
        r.problem(None, "give products (a list) or csv (a file), exactly one")
        return []
    out: list[Product] = []
    if r.has("csv"):
        rel = r.text("csv") or ""
        path = job_dir / rel
        display = str(Path(r.file).parent / rel)
        for i, (row, line) in enumerate(_csv_rows(path, display, problems)):
            out.append(_product(i, dict(row), (display, line, 1), path.parent, templates, defaults, problems))
    else:
        seq = r.sequence("products") or YList(r.file, r.mark())
        for i in range(len(seq)):
            pr = r.item(seq, i, f"products[{i}]")
            if pr is None:
                continue
            line, col = seq.item_marks[i]
            out.append(_product(i, dict(pr.node), (r.file, line, col), job_dir, templates, defaults, problems))
    seen: dict[str, str] = {}
    for p in out:
        if p.sku in seen:
            problems.add(p.problem(f"products[{p.index}].sku", f"duplicate sku '{p.sku}' (first at {seen[p.sku]})",
                                   "skus must be unique"))
        seen.setdefault(p.sku, p.origin)
    if not out and not problems.items:
        r.problem(None, "the job has no products")
    return out


def _check_pattern(r: Reader, pattern: str, templates: list[JobTemplate]) -> None:
    known = set(PATTERN_KEYS) | {n for jt in templates for n, f in jt.template.fields.items()
                                 if f.type in ("text", "color")}
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        r.problem("output", f"bad pattern: {exc}", "use {sku}, {template}, {size}, {index} or a field")
        return
    for name in names:
        if name not in known:
            r.problem("output", f"unknown placeholder {{{name}}}", suggest(name, known) or
                      f"use one of {', '.join(sorted(known))}")
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        r.problem("output", "the pattern must stay inside the output folder", "no absolute paths or '..'")


def load_job(path: Path, display: str | None = None) -> Job:
    """Load and validate a job file; raise ConfigError listing every problem (templates' included)."""
    display = display or str(path)
    data = load_yaml(path, display)
    if not isinstance(data, YMap):
        raise ConfigError([Problem(display, 1, 1, "", "a job must be a mapping of keys")])
    problems = Problems()
    r = Reader(data, "", problems)
    r.check_keys(JOB_KEYS, ("templates",))
    job_dir = path.parent
    templates = _templates(r, job_dir, problems)
    output = r.text("output", DEFAULT_OUTPUT) or DEFAULT_OUTPUT
    _check_pattern(r, output, templates)
    encode = _encode(r, output)
    # Without every template, product fields cannot be checked; their problems would only be noise.
    products = _products(r, job_dir, templates, problems) if not problems.items else []
    problems.raise_if_any()
    return Job(path, r.text("name", path.stem) or path.stem, tuple(templates), output, encode, tuple(products))


def missing_inputs(job: Job) -> list[Problem]:
    """Image and font files a job names that do not exist (for ``validate``; ``render`` reports them per item)."""
    out = []
    fonts = {n for jt in job.templates for n, f in jt.template.fields.items() if f.type == "font"}
    for p in job.products:
        named = {**p.images, **{n: Path(v) for n, v in p.values.items() if n in fonts and v}}
        for name, path in named.items():
            if not path.is_file():
                out.append(p.problem(f"products[{p.index}].{name}", f"no file {path}"))
    return out


class _Parts(dict[str, str]):
    """Pattern values; a field this product leaves empty becomes "_" rather than a KeyError."""

    def __missing__(self, key: str) -> str:
        return "_"


def safe_part(value: str) -> str:
    """A field value made safe as part of a file name (no separators, no leading dots)."""
    cleaned = _UNSAFE.sub("_", value).strip().lstrip(".")
    return cleaned[:120] or "_"


def plan(job: Job, out_dir: Path) -> list[Task]:
    """One task per product with every output path; ConfigError when two outputs would collide."""
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    problems = Problems()
    for product in job.products:
        renders = []
        first_image = product.primary
        for t_index, jt in enumerate(job.templates):
            for size in jt.sizes:
                parts = {**product.values, "sku": product.sku, "template": jt.template.name, "size": size,
                         "index": f"{product.index + 1:04d}", "stem": first_image.stem if first_image else ""}
                name = job.output.format_map(_Parts({k: safe_part(v) for k, v in parts.items()}))
                target = out_dir / name
                key = str(target)
                if key in seen:
                    problems.add(product.problem("output", f"'{name}' is also written for {seen[key]}",
                                                 "add {sku} or {index} to the output pattern"))
                seen.setdefault(key, f"{product.sku} ({jt.template.name}, {size})")
                renders.append(RenderSpec(t_index, size, target))
        tasks.append(Task(product.index, product, tuple(jt.template for jt in job.templates), tuple(renders),
                          job.encode))
    problems.raise_if_any()
    return tasks
