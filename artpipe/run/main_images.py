"""Main-image mode: product photos straight into marketplace main-image slots, without writing a job.

Each photo (files, or folders walked like ``normalize`` does: ignored names, duplicates and links accounted
for) becomes a product whose ``product`` field is the photo; each preset is rendered with its default
template (``product-main``: whitened backdrop, trimmed, centred at about 86 % of the square; ``product-edge``
for JD), encoded inside its byte rule and checked on the written bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from artpipe.defaults import settings
from artpipe.errors import ConfigError, Problem
from artpipe.imaging.encode import EncodeOptions
from artpipe.layers.template import load_template
from artpipe.naming import Namer
from artpipe.paths import display
from artpipe.presets import Catalog, Preset, platform_of, unknown_preset_hint
from artpipe.products import Product
from artpipe.report.results import InputResult
from artpipe.run.jobs import PRESET_OUTPUT, Job, JobTemplate
from artpipe.sources import classify_sources
from artpipe.template.find import bundled_templates
from artpipe.template.model import Template

PHOTO_FIELD = "product"


@dataclass(frozen=True)
class MainImagePlan:
    """The job that renders the photos, and the inputs decided without rendering (ignored, duplicates...)."""

    job: Job
    known: list[tuple[int, InputResult]]


def _templates(names: list[str], catalog: Catalog) -> list[JobTemplate]:
    """The main-image slots asked for: presets by name, or a platform's presets that a photo alone fills."""
    known, platforms = catalog
    problems: list[Problem] = []
    loaded: dict[str, Template | str] = {}  # template name -> the template, or why it is no main image
    chosen: dict[str, tuple[Preset, str]] = {}
    for name in names:
        picks = [(known[n], name) for n in platforms[name]] if name in platforms else \
            [(known[name], platform_of(known[name]))] if name in known else []
        if not picks:
            problems.append(Problem("--preset", 0, 0, "", f"no preset or platform '{name}'",
                                    unknown_preset_hint(name, [*known, *platforms])))
        usable = []
        for preset, platform in picks:
            ref = preset.template or "product-main"
            if ref not in loaded:
                loaded[ref] = _main_template(ref)
            if isinstance(loaded[ref], Template):
                usable.append((preset, platform))
            elif name in known:  # named on its own: say why it cannot be made from a photo alone
                problems.append(Problem("--preset", 0, 0, "", f"{name} is not a main-image slot ({loaded[ref]})",
                                        "render it with artpipe request, which takes the texts"))
        if picks and not usable and name in platforms:
            problems.append(Problem("--preset", 0, 0, "", f"platform {name} has no main-image slot",
                                    "artpipe presets lists every preset with its template"))
        for preset, platform in usable:
            chosen.setdefault(preset.name, (preset, platform))
    if problems:
        raise ConfigError(problems)
    by_template: dict[str, list[Preset]] = {}
    for preset, _ in chosen.values():
        by_template.setdefault(preset.template or "product-main", []).append(preset)
    templates = {ref: t for ref, t in loaded.items() if isinstance(t, Template)}
    return [JobTemplate(templates[ref], (), tuple(ps), {p.name: chosen[p.name][1] for p in ps})
            for ref, ps in by_template.items()]


def _main_template(name: str) -> Template | str:
    """The bundled template ``name`` if a photo alone fills it (a main image, not a banner needing texts);
    otherwise why not."""
    path = bundled_templates().get(name)
    if path is None:
        return f"no bundled template {name}"
    template = load_template(path)
    needs = [f for f, spec in template.fields.items() if spec.required and f != PHOTO_FIELD]
    if PHOTO_FIELD not in template.fields or needs:
        return f"its template {name} needs {', '.join(needs) or 'no photo'}"
    return template


def plan_main_images(paths: list[Path], out_dir: Path, names: list[str], catalog: Catalog) -> MainImagePlan:
    """Photos x main-image presets as a job (ConfigError for a preset that is unknown or not a main image)."""
    templates = _templates(names, catalog)
    namer = Namer(settings().normalize.max_name_bytes)
    known: list[tuple[int, InputResult]] = []
    products: list[Product] = []
    for index, source, decided in classify_sources(paths, out_dir):
        if decided is not None:
            known.append((index, decided))
            continue
        sku = namer.name(source.rel, "").as_posix().replace("/", "_")
        products.append(Product(index, sku, {}, {PHOTO_FIELD: source.path}, display(source.path), 0, source.path))
    job = Job(out_dir / "main-images", "main-images", tuple(templates), PRESET_OUTPUT, EncodeOptions(), tuple(products))
    return MainImagePlan(job, known)
