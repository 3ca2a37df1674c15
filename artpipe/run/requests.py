"""Operators' requests: "the Double 11 set for this merchant on Tmall and JD", as a job over presets.

A request names a campaign, a brand kit, the platforms (or presets) and the products; each preset is rendered
with the template given for it, or its default, into ``<campaign>/<platform>/<preset>/<sku>.<ext>``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from artpipe.naming import safe_part
from artpipe.presets import Catalog, Preset, expand, load_presets
from artpipe.run.jobs import PRESET_OUTPUT, Job, JobTemplate, load_job
from artpipe.schema import Problems, Reader, suggest
from artpipe.yamlsrc import YList, YMap, load_mapping

REQUEST_KEYS = ("campaign", "merchant", "brand", "platforms", "presets", "templates", "defaults", "products", "csv",
                "deadline", "format", "output")


@dataclass(frozen=True)
class Request:
    """A loaded request: its campaign and the job that renders it."""

    campaign: str
    merchant: str
    deadline: str
    job: Job


def _chosen(reader: Reader, catalog: Catalog) -> dict[str, tuple[Preset, str]]:
    known, platforms = catalog
    names = []
    for key in ("platforms", "presets"):
        names += reader.names(key, "a name or a list of names") or []
    if not names:
        reader.problem(None, "name the platforms (tmall, jd...) or presets to render for")
    chosen, unknown = expand(names, known, platforms)
    for name in unknown:
        reader.problem("platforms" if reader.has("platforms") else "presets", f"no platform or preset '{name}'",
                  suggest(name, [*platforms, *known]))
    return chosen


def load_request(path: Path, presets: Path | None = None, licensed: frozenset[str] = frozenset()) -> Request:
    """Validate a request and build its job (ConfigError lists every problem with file:line); ``presets``:
    an agency's presets file laid over the bundled ones."""
    catalog = load_presets(presets)
    data = load_mapping(path, "a request")
    problems = Problems()
    reader = Reader(data, "", problems)
    reader.check_keys(REQUEST_KEYS, ("campaign",))
    chosen = _chosen(reader, catalog)
    chosen_templates = reader.mapping("templates")  # optional: preset -> template name
    by_template: dict[str, list[Preset]] = {}
    for preset, _ in chosen.values():
        name = (chosen_templates.text(preset.name, None) if chosen_templates else None) or preset.template
        if name is None:
            reader.problem(None, f"preset {preset.name} has no default template", "name one under templates")
            continue
        by_template.setdefault(name, []).append(preset)
    problems.raise_if_any()
    # The products, brand, defaults and format read exactly like a job's; the templates come from the presets.
    body = YMap(data.file, data.mark, data.folder)
    for key in ("brand", "defaults", "products", "csv", "format", "output"):
        if key in data:
            body[key] = data[key]
            body.key_marks[key], body.value_marks[key] = data.key_marks[key], data.value_marks[key]
            body.value_folders[key] = data.value_folders.get(key)
    names = YList(data.file, data.mark)
    for name in by_template:
        names.append(name)
        names.item_marks.append(data.value_marks.get("platforms", data.mark))
    body["templates"] = names
    body.setdefault("output", PRESET_OUTPUT)  # file names inside the campaign folder; the preset picks the format
    job = load_job(path, data=body, presets=catalog, licensed=licensed)
    templates = []
    # By position: the job has one entry per reference in by_template's order (a template folder may carry
    # another ``name:`` than the reference that found it, so names cannot be the key).
    for mine, job_template in zip(by_template.values(), job.templates, strict=True):
        templates.append(JobTemplate(job_template.template, (), tuple(mine), {p.name: chosen[p.name][1] for p in mine}))
    campaign = safe_part(str(reader.text("campaign", path.stem) or path.stem))
    return Request(campaign, reader.text("merchant", "") or "", reader.text("deadline", "") or "",
                   replace(job, name=campaign, templates=tuple(templates)))

