"""The Python API the CLI is a thin layer over."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.approval import STATES, Change, approved, compare
from artpipe.defaults import setting
from artpipe.errors import ConfigError, InputError, Problem
from artpipe.executors import Executor, LocalExecutor
from artpipe.files import writable_folder, write_png, write_text_atomic
from artpipe.fitcheck import fit_texts
from artpipe.imaging.color import profile_name
from artpipe.imaging.normalize import Asset, NormalizeOptions, normalize
from artpipe.imaging.open import Decoded, open_image
from artpipe.incremental import Cache, Decision
from artpipe.jobs import Job, load_job, missing_inputs, plan
from artpipe.main_images import plan_main_images
from artpipe.naming import Namer
from artpipe.presets import load_presets
from artpipe.proof import draw_boxes, proof_html, proof_sheet
from artpipe.render import render
from artpipe.report import Outcome, summarize, write_report
from artpipe.requests import load_request
from artpipe.run import run_tasks
from artpipe.schema import suggest
from artpipe.sources import first_copies
from artpipe.tasks import (
    NormalizeTask,
    display,
    load_asset,
    lost_normalized,
    lost_product,
    normalize_file,
    render_product,
    template_assets,
)
from artpipe.template.find import bundled_templates, find_template, template_file
from artpipe.template.load import load_template
from artpipe.text.fonts import get_font
from artpipe.version import __version__
from artpipe.yamlsrc import YMap, load_yaml


@dataclass
class RunResult:
    """What a finished run produced."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    report: Path | None = None

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.outcomes)

    @property
    def ok(self) -> bool:
        return all(o.status in ("ok", "ignored", "duplicate") for o in self.outcomes)


def iter_job(job: Job, out_dir: Path, *, jobs: int | None = None) -> Iterator[Outcome]:
    """Render a loaded job, yielding each product's outcome as it finishes."""
    for _, outcome in run_tasks(plan(job, out_dir), render_product, jobs, lost_product):
        yield outcome


def run_job(job_file: Path, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
            progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """Load, render and report a job file; the report lists items in job order."""
    return render_job(load_job(job_file), out_dir, report=report, jobs=jobs, progress=progress)


def _collect(known: list[tuple[int, Outcome]], stream: Iterable[tuple[int, Outcome]],
             progress: Callable[[Outcome], None] | None, report: Path, meta: dict[str, object]) -> RunResult:
    """Gather outcomes (reporting each as it comes), order them by input, write the report.

    ``known`` holds outcomes decided without running anything (ignored files, duplicates).
    """
    started = time.perf_counter()
    indexed: list[tuple[int, Outcome]] = []
    for index, outcome in chain(known, stream):
        indexed.append((index, outcome))
        if progress is not None:
            progress(outcome)
    result = RunResult([o for _, o in sorted(indexed, key=lambda pair: pair[0])], report=report)
    result.seconds = time.perf_counter() - started
    try:
        write_report(report, result.outcomes, {"artpipe": __version__, **meta, "seconds": round(result.seconds, 3)})
    except OSError as exc:
        raise ConfigError([Problem(str(report), 0, 0, "", f"cannot write the report ({exc.strerror or exc})",
                                   "free some space or fix the folder's permissions, then run again")]) from None
    return result


def _check_writable(out_dir: Path) -> None:
    """A one-line error before any work when nothing can be written into ``out_dir``."""
    why = writable_folder(out_dir)
    if why is not None:
        raise ConfigError([Problem(str(out_dir), 0, 0, "", f"cannot write into the output folder ({why})",
                                   "check its space and permissions, or choose another folder with -o")])


def render_job(job: Job, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
               progress: Callable[[Outcome], None] | None = None, timeout: float | None = None,
               cache: Path | None = None, force: bool = False, executor: Executor | None = None,
               keep_photos: bool = False) -> RunResult:
    """Render a loaded job into ``out_dir`` and write its JSON report (default ``out_dir/report.json``).

    ``timeout``: a product whose rendering takes longer (a hostile file hanging a decoder), or that kills its
    worker, fails alone (the watched inbox runs requests this way). ``cache``: render incrementally, keeping
    records there (see incremental.py); ``force`` renders everything again and renews the records.
    ``keep_photos``: also keep the normalized photos in ``cache/photos`` (see assetcache.py).
    ``executor``: where the tasks run (default: this machine's ``jobs`` processes; or a Dask cluster)."""
    tasks = plan(job, out_dir)
    _check_writable(out_dir)
    records = Cache(cache) if cache is not None else None
    kept: list[tuple[int, Outcome]] = []
    full = {task.index: task for task in tasks}
    if records is not None:
        tasks, kept, _ = records.split(tasks, force)
        if keep_photos and cache is not None:
            tasks = [replace(t, assets=cache / "photos") for t in tasks]
    runs = (executor or LocalExecutor(jobs, timeout)).map(tasks, render_product)
    stream = ((task.index, outcome if records is None else records.finish(full[task.index], task, outcome))
              for task, outcome in runs)
    result = _collect(kept, stream, progress, report or out_dir / "report.json",
                      {"command": "render", "job": str(job.path), "output": str(out_dir),
                       "cached": len(kept)})
    if records is not None:
        records.save()
    return result


def plan_render(job: Job, out_dir: Path, cache: Path, *, force: bool = False) -> list[Decision]:
    """What ``render_job`` with this cache would render, output by output, and why (nothing is written)."""
    return Cache(cache).split(plan(job, out_dir), force)[2]


def _check_output_folder(paths: list[Path], out_dir: Path) -> None:
    """Refuse an output folder that would overwrite inputs."""
    out = out_dir.resolve()
    for path in paths:
        folder = path.resolve() if path.is_dir() else path.resolve().parent
        if folder == out:
            raise ConfigError([Problem(str(out_dir), 0, 0, "", "the output folder is also a source folder, so "
                                       "inputs could be overwritten", "choose another folder with -o")])


@dataclass(frozen=True)
class NormalizePlan:
    """What ``normalize`` will do: tasks for the inputs to open, outcomes already known for the rest."""

    paths: list[Path]
    out_dir: Path
    options: NormalizeOptions
    fmt: str
    tasks: list[NormalizeTask]
    known: list[tuple[int, Outcome]]  # (input index, outcome): ignored, duplicates, bad links

    @property
    def total(self) -> int:
        return len(self.tasks) + len(self.known)


def plan_normalize(paths: list[Path], out_dir: Path, options: NormalizeOptions, fmt: str = "auto",
                   quality: int | None = None) -> NormalizePlan:
    """Walk ``paths`` and decide what happens to each input (ConfigError when outputs would hit inputs)."""
    quality = quality or setting("encode", "jpeg_quality")
    _check_output_folder(paths, out_dir)
    _check_writable(out_dir)
    namer = Namer(setting("normalize", "max_name_bytes"))
    tasks: list[NormalizeTask] = []
    known: list[tuple[int, Outcome]] = []
    for index, source, decided in first_copies(paths, out_dir, display):
        if decided is not None:
            known.append((index, decided))
            continue
        output = out_dir / namer.name(source.rel, ".png")
        tasks.append(NormalizeTask(index, source.path, output, options, fmt, quality))
    return NormalizePlan(paths, out_dir, options, fmt, tasks, known)


def normalize_files(plan: NormalizePlan, *, report: Path | None = None, jobs: int | None = None,
                    progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """Carry out a normalize plan and write the report (default ``out_dir/report.json``)."""
    options = plan.options
    stream = ((task.index, outcome) for task, outcome in run_tasks(plan.tasks, normalize_file, jobs,
                                                                               lost_normalized))
    return _collect(plan.known, stream, progress, report or plan.out_dir / "report.json", {
        "command": "normalize", "sources": [str(p) for p in plan.paths], "output": str(plan.out_dir),
        "options": {"trim": options.trim, "max_size": options.max_size, "white_backdrop": options.white_backdrop,
                    "format": plan.fmt}})


def inspect_file(path: Path) -> dict[str, object]:
    """What artpipe sees in one file: format, size, mode, profile, orientation, subject, warnings."""
    try:
        decoded = open_image(path)
    except InputError as exc:
        return {"input": display(path), "status": "rejected", "reason": exc.reason, "message": exc.message}
    asset = normalize(decoded)
    return {
        "input": display(path), "status": "ok", "format": decoded.format,
        "size": list(decoded.original_size), "mode": decoded.image.mode,
        "profile": profile_name(decoded.icc), "orientation": decoded.orientation,
        "alpha": asset.image.mode == "RGBA", "subject": list(asset.subject),
        "backdrop": "#{:02x}{:02x}{:02x}".format(*asset.backdrop) if asset.backdrop else None,
        "steps": list(asset.steps), "warnings": list(asset.warnings),
    }


def placeholder_product(label: str) -> Asset:
    """A stand-in product photo for previews of templates whose image fields have no example."""
    im = Image.new("RGB", (900, 900), (238, 238, 236))
    draw = ImageDraw.Draw(im)
    draw.rounded_rectangle((250, 170, 650, 760), radius=60, fill=(120, 140, 170))
    draw.ellipse((330, 250, 570, 490), fill=(235, 238, 244))
    draw.text((450, 630), label, font=get_font("sans", "bold", 56), fill=(255, 255, 255), anchor="mm")
    return normalize(Decoded(im, f"<{label}>", "PNG", 0, None, original_size=im.size))


@dataclass(frozen=True)
class Validation:
    """What ``validate_file`` found in one template, job or request file."""

    path: str
    kind: str  # template, job or request; "" when the file could not be read as any
    summary: str  # e.g. "job spring-sale: 6 products, 54 outputs, every text fits"
    problems: tuple[str, ...] = ()  # file:line:col: what is wrong (what to do)
    cut: tuple[str, ...] = ()  # texts that would be cut with an ellipsis (allowed, but worth a look)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"file": self.path, "kind": self.kind, "ok": self.ok, "summary": self.summary,
                "problems": list(self.problems), "cut": list(self.cut)}


def validate_file(path: Path, extra: Path | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Validation:
    """Check one template, job or request file without rendering: every problem, the missing images, and a
    test-fit of every text into every size and preset with the real fonts."""
    target = template_file(path)
    if not target.is_file():
        return Validation(str(path), "", "", (f"{path}: no such file (give a template, job or request file)",))
    try:
        data = load_yaml(target)
        if isinstance(data, YMap) and "layers" in data:
            t = load_template(target)
            n = sum(len(v) for v in t.layers.values()) // max(1, len(t.sizes))
            return Validation(str(path), "template", f"template {t.name}: {len(t.sizes)} sizes, {n} layers")
        kind = "request" if isinstance(data, YMap) and "campaign" in data else "job"
        job = load_request(target, extra).job if kind == "request" else load_job(target, presets=load_presets(extra))
        notes = fit_texts(job, progress)
    except ConfigError as exc:
        return Validation(str(path), "", "", tuple(str(p) for p in exc.problems))
    problems = [str(p) for p in missing_inputs(job)] + [str(n) for n in notes if n.kind == "fails"]
    cut = tuple(str(n) for n in notes if n.kind == "truncated")
    outputs = sum(len(jt.sizes) + len(jt.presets) for jt in job.templates) * len(job.products)
    fit = f"{len(cut)} text(s) cut with an ellipsis" if cut else "every text fits"
    return Validation(str(path), kind, f"{kind} {job.name}: {len(job.products)} products, {outputs} outputs, {fit}",
                      tuple(problems), cut)


def locate_template(ref: str | Path) -> Path:
    """A template named by path (a YAML file or its folder) or by name (in ./templates, then bundled)."""
    found = find_template(str(ref), [Path.cwd()])
    if found is None:
        raise ConfigError([Problem(str(ref), 0, 0, "", "no such template",
                                   f"give a template file or folder, or one of: {', '.join(bundled_templates())}")])
    return found


def copy_template(ref: str, dest: Path) -> Path:
    """Copy a template (its folder with every file it uses) to ``dest/<name>`` to edit; never overwrites."""
    source = locate_template(ref)
    folder = source.parent if source.name == "template.yaml" else None
    target = dest / (folder.name if folder else source.stem)
    if target.exists() or (folder is None and (dest / source.name).exists()):
        raise ConfigError([Problem(str(target), 0, 0, "", "already exists",
                                   "choose another folder; a copy never overwrites")])
    dest.mkdir(parents=True, exist_ok=True)
    if folder is None:
        shutil.copy2(source, dest / source.name)
        return dest / source.name
    shutil.copytree(folder, target)
    return target


def preview_template(path: Path, sizes: list[str] | None = None, values: dict[str, str] | None = None,
                     *, boxes: bool = False) -> list[tuple[str, Image.Image]]:
    """Render a template (a path, or a bundled name) with its example data (``values`` override) at ``sizes``
    (default: all)."""
    template = load_template(locate_template(path))
    supplied = {n: f.example for n, f in template.fields.items() if f.example is not None}
    supplied.update(values or {})
    images: dict[str, Asset] = {}
    texts: dict[str, str] = {}
    for name, value in supplied.items():
        field_ = template.fields.get(name)
        if field_ is None:
            raise ConfigError([Problem(str(template.path), 0, 0, "", f"--set {name}: no such field",
                                       suggest(name, template.fields))])
        if field_.type == "image":
            images[name] = load_asset(template.root / value if not Path(value).is_absolute() else Path(value))
        else:
            texts[name] = value
    for name, field_ in template.fields.items():
        if field_.type == "image" and field_.required and name not in images:
            images[name] = placeholder_product(name)
    images.update(template_assets(template))
    out = []
    for size in sizes or list(template.size_names):
        if size not in template.size_names:
            raise ConfigError([Problem(str(template.path), 0, 0, "", f"no size '{size}'",
                                       suggest(size, template.size_names) or ", ".join(template.size_names))])
        image = render(template, size, texts, images).image
        if boxes:
            image = draw_boxes(image, template, size)
        s = template.size(size)
        out.append((f"{template.name} / {size} ({s.width}x{s.height})", image))
    return out


def main_images(paths: list[Path], out_dir: Path, presets: list[str], *, extra: Path | None = None,
                jobs: int | None = None, report: Path | None = None,
                progress: Callable[[Outcome], None] | None = None) -> RunResult:
    """Render product photos straight into main-image presets (``OUT/<platform>/<preset>/<name>.jpg``), each
    checked on its bytes; the report lists every photo (ignored, duplicate and rejected ones too)."""
    _check_output_folder(paths, out_dir)
    _check_writable(out_dir)
    planned = plan_main_images(paths, out_dir, presets, load_presets(extra))
    stream = ((task.index, outcome) for task, outcome in run_tasks(plan(planned.job, out_dir), render_product, jobs,
                                                                               lost_product))
    return _collect(planned.known, stream, progress, report or out_dir / "report.json",
                    {"command": "main-image", "presets": presets, "output": str(out_dir)})


@dataclass
class CampaignResult:
    """A rendered request: the run, its folder, and what changed since the campaign was approved."""

    run: RunResult
    root: Path
    changes: list[Change] | None  # None when the campaign was never approved
    approved_at: str = ""


def _with_approval(outcomes: list[Outcome], changes: list[Change], root: Path) -> list[Outcome]:
    """Each outcome with the approval state of each of its outputs (``approval`` in the report item)."""
    by_output = {c.output: c for c in changes}
    out = []
    for outcome in outcomes:
        states = []
        for output in outcome.outputs:
            change = by_output.get(Path(output).resolve().relative_to(root.resolve()).as_posix())
            if change is not None:
                states.append({"output": output, "state": change.state, "diff": change.diff})
        out.append(replace(outcome, extra={**outcome.extra, "approval": states}))
    return out


def run_request(path: Path, out_dir: Path, *, jobs: int | None = None, presets: Path | None = None,
                progress: Callable[[Outcome], None] | None = None, timeout: float | None = None) -> CampaignResult:
    """Render a request into ``out_dir/<campaign>/``: outputs, report.json, proof.html and proof.png; when the
    campaign was approved, what changed since (with a visual diff of each change in ``changes/``). ``presets``:
    an agency's presets file laid over the bundled ones."""
    request = load_request(path, presets)
    root = out_dir / request.campaign
    result = render_job(request.job, root, jobs=jobs, progress=progress, timeout=timeout)
    record = approved(root)
    changes = compare(root)
    meta: dict[str, object] = {"artpipe": __version__, "command": "request", "request": str(path),
                               "campaign": request.campaign, "output": str(root), "seconds": round(result.seconds, 3)}
    if changes is not None and record is not None:
        result.outcomes = _with_approval(result.outcomes, changes, root)
        meta["approval"] = {"approved_at": record[0], **{state: [c.output for c in changes if c.state == state]
                                                          for state in STATES if state != "unchanged"},
                            "unchanged": sum(1 for c in changes if c.state == "unchanged")}
    write_report(root / "report.json", result.outcomes, meta)
    write_text_atomic(root / "proof.html", proof_html(request.campaign, request.merchant, request.deadline,
                                                      result.outcomes, root, changes, record[0] if record else ""))
    write_png(root / "proof.png", proof_sheet(result.outcomes))
    return CampaignResult(result, root, changes, record[0] if record else "")
