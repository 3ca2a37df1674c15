"""Job files (YAML) and product CSVs -> validated Job -> tasks grouped by input (one task per product)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from artpipe.cutout import Isolate, read_cutout
from artpipe.errors import ConfigError, Problem
from artpipe.imaging.cutouts import Cutout
from artpipe.imaging.encode import EncodeOptions
from artpipe.imaging.geometry import Fitted
from artpipe.layers.image import ImageLayer
from artpipe.layers.template import load_template
from artpipe.lettering import Lettering, read_lettering
from artpipe.naming import check_output_pattern, name_key, output_name
from artpipe.outformats import encodings, named, pick, read_formats
from artpipe.presets import Catalog, Preset, expand, load_presets, platform_of, unknown_preset_hint
from artpipe.products import Product, read_products
from artpipe.schema import Problems, Reader, suggest
from artpipe.template.find import bundled_templates, find_template
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template
from artpipe.yamlsrc import Mark, YMap, load_mapping

JOB_KEYS = ("name", "templates", "sizes", "output", "format", "brand", "defaults", "products", "csv", "cutout",
            "lang", "system_fonts", "licensed_fonts", "locale", "currency")
ENTRY_KEYS = ("template", "sizes", "presets", "format")
PATTERN_KEYS = ("sku", "template", "size", "index", "stem", "preset", "platform")
DEFAULT_OUTPUT = "{sku}/{template}-{size}.jpg"
PRESET_OUTPUT = "{platform}/{preset}/{sku}.jpg"  # files rendered into presets: requests and main images


@dataclass(frozen=True)
class JobTemplate:
    """A template a job renders and which of its sizes."""

    template: Template
    sizes: tuple[str, ...]
    presets: tuple[Preset, ...] = ()  # marketplace slots to render into, besides (or instead of) sizes
    platforms: Mapping[str, str] = field(default_factory=dict)  # preset name -> the platform it was asked for
    encodings: tuple[EncodeOptions, ...] = ()  # the entry's own formats for its sizes (none: the job's)


@dataclass(frozen=True)
class Job:
    """A validated job."""

    path: Path
    name: str
    templates: tuple[JobTemplate, ...]
    output: str
    encode: EncodeOptions  # the first of the job's formats
    products: tuple[Product, ...]
    isolation: Isolate = Isolate()
    lettering: Lettering = Lettering()
    encodings: tuple[EncodeOptions, ...] = ()  # every format the job's outputs are written in (none: ``encode``)

    @property
    def formats(self) -> tuple[EncodeOptions, ...]:
        return self.encodings or (self.encode,)


@dataclass(frozen=True)
class RenderSpec:
    """One output of a task."""

    template: int  # index into Job.templates
    size: str  # the template size whose layers are drawn
    output: Path
    preset: Preset | None = None  # when set: drawn at the preset's size, its rules applied and checked
    platform: str = ""  # the platform the preset was asked for
    encode: EncodeOptions | None = None  # how the file is written (None: the task's ``encode``)

    @property
    def drawing(self) -> tuple[int, str, str]:
        """What is drawn: outputs alike in it are one canvas encoded in several formats."""
        return self.template, self.size, self.preset.name if self.preset is not None else ""


@dataclass(frozen=True)
class Task:
    """Everything one worker needs to render one product into all its outputs."""

    index: int
    product: Product
    templates: tuple[Template, ...]
    renders: tuple[RenderSpec, ...]
    encode: EncodeOptions
    cover: int = 0  # the largest canvas side among all the product's outputs (0: from ``renders``)
    boxes: Mapping[str, tuple[Fitted, ...]] = field(default_factory=dict)  # per image field, every box it is
    #      drawn into across all the product's outputs: decoding depends on them, so a task left with fewer
    #      renders (an incremental run) still decodes as the whole product would
    assets: Path | None = None  # a folder of normalized photos to reuse (incremental runs), or None
    isolation: Isolate = Isolate()  # how product photos are cut out (the job's ``cutout``)
    lettering: Lettering = Lettering()  # the text's language and whether system fonts may draw it
    files: Mapping[str, str] = field(default_factory=dict)  # files named by absolute path -> where to read them
    #                                                         instead (a task shipped with its files to a worker)

    def encoding(self, spec: RenderSpec) -> EncodeOptions:
        """How one output is written."""
        return spec.encode or self.encode

    def canvas(self, spec: RenderSpec) -> tuple[int, int]:
        """The pixel size of one output."""
        if spec.preset is not None:
            return spec.preset.width, spec.preset.height
        size = self.templates[spec.template].size(spec.size)
        return size.width, size.height

    def _product_layers(self) -> list[tuple[str, str]]:
        """(image field, cutout) of every layer of role ``product`` that draws a photo field."""
        out = []
        for t in self.templates:
            for layers in t.layers.values():
                for layer in layers:
                    if layer.role == "product" and isinstance(layer, ImageLayer) and layer.field_name is not None:
                        out.append((layer.field_name, layer.cutout))
        return out

    def product_fields(self) -> set[str]:
        """The image fields drawn by layers of role ``product`` (the photos whose product is isolated)."""
        return {name for name, _ in self._product_layers()}

    def refuses_text(self) -> bool:
        """Whether an output's preset refuses text in the photo (its text is then looked for)."""
        return any(spec.preset is not None and spec.preset.rule("no_text") for spec in self.renders)

    def product_isolation(self) -> Isolate:
        """The job's ``cutout``, made ``model`` when a product layer or a preset asks for the model and ``never``
        when every product layer shows the photo as it is."""
        modes = {cutout for _, cutout in self._product_layers()} | \
            {spec.preset.cutout for spec in self.renders if spec.preset is not None and spec.preset.cutout}
        mode = self.isolation.mode
        if mode == Cutout.AUTO and Cutout.MODEL in modes:
            mode = Cutout.MODEL
        elif mode != Cutout.NEVER and modes == {Cutout.NEVER}:
            mode = Cutout.NEVER
        return replace(self.isolation, mode=mode)

    def largest_side(self) -> int:
        """The most pixels any of the product's outputs spans."""
        return self.cover or max((max(self.canvas(spec)) for spec in self.renders), default=0)

    def picture_boxes(self) -> dict[str, tuple[Fitted, ...]]:
        """Per image field, every box it is drawn into across the outputs (each size's layers resolved on the
        output's canvas: a preset's own for preset outputs)."""
        if self.boxes:
            return dict(self.boxes)
        out: dict[str, set[Fitted]] = {}
        for spec in self.renders:
            for name, box in self.boxes_of(spec):
                out.setdefault(name, set()).add(box)
        return {name: tuple(sorted(boxes, key=lambda b: (b.width, b.height, b.fit, b.trim)))
                for name, boxes in out.items()}

    def boxes_of(self, spec: RenderSpec) -> list[tuple[str, Fitted]]:
        """(image field, box) for every picture one output draws, its layers resolved on its canvas."""
        width, height = self.canvas(spec)
        out = []
        for layer in self.templates[spec.template].layers.get(spec.size, ()):
            if isinstance(layer, ImageLayer) and layer.field_name is not None:
                rect = resolve_box(layer.box, width, height)
                out.append((layer.field_name, Fitted(max(1, rect.w), max(1, rect.h), layer.fit, layer.trim)))
        return out


def _entries(reader: Reader) -> list[tuple[str, Reader | None, Mark, int]]:
    """(template reference, its entry's reader when it is a mapping, its position, index) per entry."""
    seq = reader.sequence("templates", required=True)
    out: list[tuple[str, Reader | None, Mark, int]] = []
    if seq is None:
        return out
    for i, item in enumerate(seq):
        if isinstance(item, str):
            out.append((item, None, seq.item_marks[i], i))
            continue
        entry = reader.item(seq, i, f"templates[{i}]")
        if entry is not None:
            entry.check_keys(ENTRY_KEYS, ("template",))
            out.append((entry.text("template", "") or "", entry, seq.item_marks[i], i))
    return out


def _sizes(reader: Reader | None, key: str, template: Template, default: object) -> tuple[str, ...]:
    raw = reader.raw(key, default) if reader is not None else default
    if raw is None or raw == "all":
        return template.size_names
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    if reader is not None and not names:
        reader.problem(key, "must be all or a list of size names")
    good = []
    for name in names:
        if str(name) in template.size_names:
            good.append(str(name))
        elif reader is not None:
            reader.problem(key, f"template {template.name} has no size '{name}'",
                      suggest(str(name), template.size_names) or f"its sizes: {', '.join(template.size_names)}")
    return tuple(good)


def _presets(entry: Reader, catalog: Catalog) -> dict[str, tuple[Preset, str]]:
    """``presets:`` preset names or platform names (a platform stands for its presets)."""
    known, platforms = catalog
    chosen, unknown = expand(entry.names("presets", "a preset or platform name or a list of them") or [],
                             known, platforms)
    for name in unknown:
        entry.problem("presets", f"no preset or platform '{name}'", unknown_preset_hint(name, [*known, *platforms]))
    return chosen


def _templates(reader: Reader, job_dir: Path, problems: Problems, catalog: Catalog, output: str,
               licensed: frozenset[str] = frozenset()) -> list[JobTemplate]:
    out = []
    licensed = licensed | frozenset(reader.names("licensed_fonts", "a font file name or a list of them") or [])
    for ref, entry, (line, col), i in _entries(reader):
        path = find_template(ref, [job_dir, Path.cwd()])
        if path is None:
            hint = suggest(ref, bundled_templates()) or "give a path to a template file or folder"
            problems.add(Problem(reader.file, line, col, f"templates[{i}]", f"no template '{ref}'", hint))
            continue
        try:
            template = load_template(path, licensed=licensed)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        chosen = _presets(entry, catalog) if entry is not None else {}
        if entry is not None and entry.has("sizes"):
            sizes = _sizes(entry, "sizes", template, reader.raw("sizes", "all"))
        else:  # an entry naming presets renders just those unless it names sizes too
            sizes = () if chosen else _sizes(reader, "sizes", template, "all")
        own = (read_formats(entry, "format", output) or ()) if entry is not None else ()
        out.append(JobTemplate(template, sizes, tuple(p for p, _ in chosen.values()),
                               {name: platform for name, (_, platform) in chosen.items()}, own))
    return out


def _check_pattern(reader: Reader, pattern: str, templates: list[JobTemplate]) -> None:
    known = set(PATTERN_KEYS) | {n for job_template in templates for n, f in job_template.template.fields.items()
                                 if f.type in ("text", "color")}
    check_output_pattern(reader, pattern, known)


def load_job(path: Path, display: str | None = None, *, data: YMap | None = None,
             presets: Catalog | None = None, licensed: frozenset[str] = frozenset()) -> Job:
    """Load and validate a job file (or ``data`` read from ``path`` already, as a request builds it); raise
    ConfigError listing every problem (templates' included). ``presets``: the marketplace presets its entries
    may name (the bundled ones by default; an agency's with ``load_presets(extra)``). ``licensed``: font files
    in template folders a workspace says are licensed (a job adds its own ``licensed_fonts``)."""
    display = display or str(path)
    if data is None:
        data = load_mapping(path, "a job", display)
    problems = Problems()
    reader = Reader(data, "", problems)
    reader.check_keys(JOB_KEYS, ("templates",))
    job_dir = path.parent
    output = reader.text("output", DEFAULT_OUTPUT) or DEFAULT_OUTPUT
    templates = _templates(reader, job_dir, problems, presets or load_presets(), output, licensed)
    _check_pattern(reader, output, templates)
    formats = encodings(reader, "format", output)
    isolation = read_cutout(reader, job_dir, Isolate(), "this job file")
    lettering = read_lettering(reader, Lettering())
    # Without every template, product fields cannot be checked; their problems would only be noise.
    products = read_products(reader, job_dir, [job_template.template for job_template in templates], problems) \
        if not problems.items else []
    problems.raise_if_any()
    return Job(path, reader.text("name", path.stem) or path.stem, tuple(templates), output, formats[0],
               tuple(products), isolation, lettering, formats)


def missing_inputs(job: Job) -> list[Problem]:
    """Image and font files a job names that do not exist (for ``validate``; ``render`` reports them per item)."""
    out = []
    fonts = {n for job_template in job.templates for n, f in job_template.template.fields.items() if f.type == "font"}
    for p in job.products:
        named = {**p.images, **{n: Path(v) for n, v in p.values.items() if n in fonts and v}}
        for name, path in named.items():
            if not path.is_file():
                out.append(p.problem(f"products[{p.index}].{name}", f"no file {path}"))
    return out


def _output_formats(job: Job, entry: JobTemplate, preset: Preset | None) -> tuple[EncodeOptions, ...]:
    """The formats one output is written in: a preset's own (with the job's settings for a format the job lists
    too), else the template entry's, else the job's."""
    if preset is not None:
        return tuple(pick(job.formats, fmt) for fmt in preset.formats)
    return entry.encodings or job.formats


def output_formats(job: Job) -> list[int]:
    """How many formats each output of one product is written in (one entry per template size or preset)."""
    return [len(_output_formats(job, entry, preset)) for entry in job.templates
            for preset in (*(None for _ in entry.sizes), *entry.presets)]


def plan(job: Job, out_dir: Path) -> list[Task]:
    """One task per product with every output path; ConfigError when two outputs would collide."""
    tasks: list[Task] = []
    seen: dict[str, str] = {}
    problems = Problems()
    inputs = {path.resolve() for product in job.products for path in product.images.values()}
    for product in job.products:
        renders = []
        first_image = product.primary
        for t_index, job_template in enumerate(job.templates):
            slots = [(size, None) for size in job_template.sizes] + [(p.name, p) for p in job_template.presets]
            for size, preset in slots:
                platform = job_template.platforms.get(preset.name, platform_of(preset)) if preset else ""
                parts = {**product.values, "sku": product.sku, "template": job_template.template.name, "size": size,
                         "index": f"{product.index + 1:04d}", "stem": first_image.stem if first_image else "",
                         "preset": preset.name if preset else size, "platform": platform}
                pattern_name = output_name(job.output, parts)
                for encode in _output_formats(job, job_template, preset):
                    name = named(pattern_name, encode.format)  # the format decides the extension
                    target = out_dir / name
                    key = name_key(str(target))  # Mug and mug, café and café: one file on macOS and Windows shares
                    if key in seen:
                        problems.add(product.problem("output", f"'{name}' is also written for {seen[key]}",
                                                     "add {sku} or {index} to the output pattern"))
                    seen.setdefault(key, f"{product.sku} ({job_template.template.name}, {size})")
                    if target.resolve() in inputs:
                        problems.add(product.problem("output", f"'{name}' would overwrite the input {target}",
                                                     "write into another folder with -o, or change the output "
                                                     "pattern"))
                    base = size if preset is None else job_template.template.size_names[0]
                    renders.append(RenderSpec(t_index, base, target, preset, platform, encode))
        task = Task(product.index, product, tuple(t.template for t in job.templates), tuple(renders), job.encode,
                    isolation=job.isolation, lettering=job.lettering)
        tasks.append(replace(task, cover=task.largest_side(), boxes=task.picture_boxes()))
    problems.raise_if_any()
    return tasks
