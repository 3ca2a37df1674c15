"""The Python API the command line and the studio are thin layers over."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from artpipe.approval import APPROVED as APPROVED
from artpipe.approval import approval_of as approval_of
from artpipe.approval import approve, approved, is_approved, reopen
from artpipe.config import Workspace as Workspace
from artpipe.config import init_workspace as init_workspace
from artpipe.config import load_workspace as load_workspace
from artpipe.config import public_origin as public_origin
from artpipe.defaults import Settings, settings
from artpipe.errors import ConfigError, InputError, Problem
from artpipe.files import write_png
from artpipe.imaging.checks import check_bytes
from artpipe.imaging.checks import num as num
from artpipe.imaging.color import profile_name
from artpipe.imaging.cutouts import MODES
from artpipe.imaging.cutouts import Cutout as Cutout
from artpipe.imaging.formats import IMAGE_EXTENSIONS as IMAGE_EXTENSIONS
from artpipe.imaging.formats import WRITTEN, default_quality
from artpipe.imaging.normalize import Asset
from artpipe.imaging.normalize import NormalizeOptions as NormalizeOptions
from artpipe.imaging.normalize import normalize as normalize_steps
from artpipe.imaging.open import Decoded
from artpipe.imaging.open import open_image as open_image
from artpipe.inbox.retry import retry_failed as retry_failed
from artpipe.inbox.status import inbox_status as inbox_status
from artpipe.inbox.watch import Watcher as Watcher
from artpipe.layers.template import load_template as load_template
from artpipe.naming import Namer
from artpipe.naming import safe_part as safe_part
from artpipe.paths import command as command
from artpipe.paths import display as display
from artpipe.presets import Catalog as Catalog
from artpipe.presets import expand as expand
from artpipe.presets import load_platforms as load_platforms
from artpipe.presets import load_presets, unknown_preset_hint
from artpipe.psdimport.folder import REPORT_NAME as REPORT_NAME
from artpipe.psdimport.folder import PsdImport as PsdImport
from artpipe.psdimport.folder import fonts_only as fonts_only
from artpipe.psdimport.folder import import_psd as import_psd
from artpipe.reasons import tokens
from artpipe.report.outcome import Outcome as Outcome
from artpipe.report.outcome import count as count
from artpipe.report.outcome import name_of as name_of
from artpipe.report.outcome import problem_line as problem_line
from artpipe.report.outcome import said as said
from artpipe.report.outcome import warnings_note as warnings_note
from artpipe.report.pagefonts import link_fonts as link_fonts
from artpipe.report.pagefonts import linked_font as linked_font
from artpipe.report.proof import contact_sheet, draw_boxes
from artpipe.report.proof import proof_page as proof_page
from artpipe.report.proofview import Proof as Proof
from artpipe.report.proofview import approval as approval
from artpipe.report.proofview import read_proof as read_proof
from artpipe.report.results import SETTLED as SETTLED
from artpipe.report.results import FileResult as FileResult
from artpipe.report.results import InputResult as InputResult
from artpipe.report.results import ItemResult as ItemResult
from artpipe.report.results import OutputCheck
from artpipe.report.results import ProductResult as ProductResult
from artpipe.report.results import Status as Status
from artpipe.run.batch import CampaignResult as CampaignResult
from artpipe.run.batch import Progress as Progress
from artpipe.run.batch import RunResult as RunResult
from artpipe.run.batch import check_writable, collect
from artpipe.run.batch import render_job as render_job
from artpipe.run.batch import run_request as run_request
from artpipe.run.executors import Executor as Executor
from artpipe.run.executors import LocalExecutor, render_all
from artpipe.run.fitcheck import fit_texts
from artpipe.run.incremental import CACHE_DIR as CACHE_DIR
from artpipe.run.incremental import Cache, Decision
from artpipe.run.jobs import Job, load_job, missing_inputs, output_formats, plan
from artpipe.run.main_images import plan_main_images
from artpipe.run.pool import run_tasks
from artpipe.run.render import render
from artpipe.run.requests import Request as Request
from artpipe.run.requests import load_request as load_request
from artpipe.run.tasks import (
    NormalizeTask,
    load_asset,
    lost_normalized,
    normalize_file,
    template_assets,
)
from artpipe.run.tasks import placeholder_product as placeholder_product
from artpipe.schema import suggest
from artpipe.sources import classify_sources
from artpipe.studio.accounts import Accounts
from artpipe.studio.db import DB_FILE
from artpipe.studio.users import hash_password
from artpipe.template.find import bundled_dir, template_file
from artpipe.template.find import bundled_templates as bundled_templates
from artpipe.template.find import find_template as find_template
from artpipe.text.fonts import FontInfo, bundled_faces, describe, face, system_fonts
from artpipe.text.fonts import face_path as face_path
from artpipe.workbench import bench as bench
from artpipe.workbench import boxedit as boxedit
from artpipe.workbench import samples as samples
from artpipe.workbench import trial as trial
from artpipe.yamlsrc import YMap, load_yaml
from artpipe.yamlsrc import parse_yaml as parse_yaml

OUTPUT_FORMATS = WRITTEN  # the formats artpipe writes
CUTOUT_MODES = MODES  # how product photos may be cut out (auto, model, never)


def iter_job(job: Job, out_dir: Path, *, jobs: int | None = None) -> Iterator[ProductResult]:
    """Render a loaded job, yielding each product's result as it finishes."""
    for _, result in render_all(plan(job, out_dir), LocalExecutor(jobs)):
        yield result


def run_job(job_file: Path, out_dir: Path, *, report: Path | None = None, jobs: int | None = None,
            progress: Progress | None = None) -> RunResult:
    """Load, render and report a job file; the report lists items in job order."""
    return render_job(load_job(job_file), out_dir, report=report, jobs=jobs, progress=progress)


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
    known: list[tuple[int, InputResult]]  # (input index, result): ignored, duplicates, bad links

    @property
    def total(self) -> int:
        return len(self.tasks) + len(self.known)


def plan_normalize(paths: list[Path], out_dir: Path, options: NormalizeOptions, fmt: str = "auto",
                   quality: int | None = None) -> NormalizePlan:
    """Walk ``paths`` and decide what happens to each input (ConfigError when outputs would hit inputs)."""
    quality = quality or default_quality("JPEG")
    _check_output_folder(paths, out_dir)
    check_writable(out_dir)
    namer = Namer(settings().normalize.max_name_bytes)
    tasks: list[NormalizeTask] = []
    known: list[tuple[int, InputResult]] = []
    for index, source, decided in classify_sources(paths, out_dir):
        if decided is not None:
            known.append((index, decided))
            continue
        output = out_dir / namer.name(source.rel, ".png")
        tasks.append(NormalizeTask(index, source.path, output, options, fmt, quality))
    return NormalizePlan(paths, out_dir, options, fmt, tasks, known)


def normalize_files(plan: NormalizePlan, *, report: Path | None = None, jobs: int | None = None,
                    progress: Progress | None = None) -> RunResult:
    """Carry out a normalize plan and write the report (default ``out_dir/report.json``)."""
    options = plan.options
    stream = ((task.index, result) for task, result in run_tasks(plan.tasks, normalize_file, jobs, lost_normalized))
    return collect(plan.known, stream, progress, report or plan.out_dir / "report.json", {
        "command": "normalize", "sources": [str(p) for p in plan.paths], "output": str(plan.out_dir),
        "options": {"trim": options.trim, "max_size": options.max_size, "white_backdrop": options.white_backdrop,
                    "format": plan.fmt}})


def normalize(decoded: Decoded, options: NormalizeOptions | None = None, rules: Settings | None = None) -> Asset:
    """A decoded image through the normalize steps (``artpipe.normalize``): with the bundled settings, or
    ``rules`` when given (the steps themselves never read settings)."""
    return normalize_steps(decoded, options or NormalizeOptions(), rules=rules or settings())


def inspect_file(path: Path) -> dict[str, object]:
    """What artpipe sees in one file: format, size, mode, profile, orientation, subject, warnings."""
    try:
        decoded = open_image(path)
    except InputError as exc:
        return {"input": display(path), "status": Status.REJECTED, "reason": exc.reason, "message": exc.message}
    asset = normalize(decoded)
    return {
        "input": display(path), "status": Status.OK, "format": decoded.format,
        "size": list(decoded.original_size), "mode": decoded.image.mode,
        "profile": profile_name(decoded.icc), "orientation": decoded.orientation,
        "alpha": asset.image.mode == "RGBA", "subject": list(asset.subject),
        "backdrop": "#{:02x}{:02x}{:02x}".format(*asset.backdrop) if asset.backdrop else None,
        "steps": list(asset.steps), "warnings": tokens(asset.warnings),
    }


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
    fit = f"{len(cut)} text(s) cut with an ellipsis" if cut else "every text fits"
    return Validation(str(path), kind, f"{kind} {job.name}: {count(len(job.products), 'product')}, "
                      f"{outputs_said(job)}, {fit}", tuple(problems), cut)


def outputs_said(job: Job) -> str:
    """How many outputs a job makes and, when written in several formats, how many files: ``2 outputs``,
    ``2 outputs x 3 formats = 6 files``, ``3 outputs in 5 files`` (formats differing per output)."""
    formats = output_formats(job) * len(job.products)
    outputs, files = count(len(formats), "output"), sum(formats)
    if files == len(formats):
        return outputs
    if len(set(formats)) == 1:
        return f"{outputs} x {count(formats[0], 'format')} = {count(files, 'file')}"
    return f"{outputs} in {count(files, 'file')}"


def approve_campaign(folder: Path, by: str | None = None) -> dict[str, str]:
    """Record every output of a campaign folder (written by run_request) as approved (``by`` whom, when known);
    returns output -> sha256. ConfigError when it is not a campaign folder."""
    return approve(folder, by=by)


def campaign_approved(folder: Path) -> bool:
    """Whether a campaign folder's set stands approved (approved, and no change asked for since)."""
    return is_approved(folder)


def approved_outputs(folder: Path) -> tuple[str, dict[str, str]] | None:
    """(when, {output: sha256}) of a campaign folder's approval, None when nothing was approved."""
    return approved(folder)


def reopen_campaign(folder: Path, by: str) -> bool:
    """Withdraw a campaign's approval (``by`` asked for a change); False when it did not stand approved."""
    return reopen(folder, by=by)


def preset_catalog(extra: Path | None = None) -> Catalog:
    """The bundled presets and platforms, with an agency's ``extra`` file laid over them."""
    return load_presets(extra)


def font_catalogue(templates: list[str] | None = None, *, system: bool = False,
                   licensed: frozenset[str] = frozenset()) -> list[FontInfo]:
    """Every face text may be drawn with: the bundled ones (in fallback order), the fonts in the folders of
    ``templates`` (names or paths), and with ``system`` the machine's own; each with its coverage and licence."""
    out = [describe(f, "bundled") for f in bundled_faces()]
    for name in templates or []:
        template = load_template(locate_template(name), licensed=licensed)
        out += [describe(face(f, "regular"), f"template {template.name}") for f in template.fonts]
    if system:
        out += [describe(face(f, "regular"), "system") for f in system_fonts()]
    return out


def studio_accounts(ws: Workspace) -> Accounts:
    """The studio's users, sessions and sign-in attempts (the workspace's studio database, migrated on open)."""
    return Accounts(ws.state / DB_FILE, ws.root)


def studio_users(ws: Workspace) -> dict[str, str]:
    """The studio's users (name -> password hash)."""
    return studio_accounts(ws).users()


def add_studio_user(ws: Workspace, name: str, password: str) -> None:
    """Add or replace a studio user of the workspace (the password kept as an scrypt hash; a replaced user's
    sessions end)."""
    studio_accounts(ws).set_user(name, hash_password(password))


def remove_studio_user(ws: Workspace, name: str) -> bool:
    """Remove a studio user (signed out at once); False when there is no such user."""
    return studio_accounts(ws).remove_user(name)


def check_files(files: list[Path], names: list[str], extra: Path | None = None) -> list[OutputCheck]:
    """Every file against every preset ``names`` stands for (a platform for its presets), each an OutputCheck
    of the file as named; ConfigError for a name that is neither, before any file is read."""
    known, platforms = load_presets(extra)
    chosen, unknown = expand(names, known, platforms)
    if unknown:
        raise ConfigError([Problem("--preset", 0, 0, "", f"no preset or platform '{name}'",
                                   unknown_preset_hint(name, [*known, *platforms])) for name in unknown])
    rules = settings().analyze
    return [OutputCheck(name, platform, tuple(check_bytes(path.read_bytes(), preset, rules)), str(path))
            for path in files for name, (preset, platform) in chosen.items()]


def load_job_file(path: Path, presets: Path | None = None) -> Job:
    """A job file loaded and validated against the bundled presets (with an agency's ``presets`` file over
    them); ConfigError lists every problem."""
    return load_job(path, presets=load_presets(presets))


@dataclass(frozen=True)
class TemplateInfo:
    """A bundled template as ``artpipe templates`` lists it (``error``: why it does not load)."""

    name: str
    description: str = ""
    sizes: dict[str, str] = field(default_factory=dict)  # size name -> "800x800"
    fields: dict[str, str] = field(default_factory=dict)  # field name -> type, "*" when required
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        if self.error:
            return {"name": self.name, "error": self.error}
        return {"name": self.name, "description": self.description, "sizes": self.sizes, "fields": self.fields}


def bundled_template_list() -> list[TemplateInfo]:
    """Every bundled template with its sizes and fields."""
    out = []
    for name, path in bundled_templates().items():
        try:
            t = load_template(path)
        except ConfigError as exc:
            out.append(TemplateInfo(name, error=str(exc.problems[0])))
            continue
        out.append(TemplateInfo(name, t.description, {s.name: f"{s.width}x{s.height}" for s in t.sizes},
                                {f.name: f.type + ("*" if f.required else "") for f in t.fields.values()}))
    return out


def save_preview(renders: list[tuple[str, Image.Image]], out: Path) -> None:
    """Write a preview: the one render, or all of them captioned on one sheet (PNG, atomically)."""
    write_png(out, renders[0][1] if len(renders) == 1 else contact_sheet(renders))


def locate_template(ref: str | Path) -> Path:
    """A template named by path (a YAML file or its folder) or by name (in ./templates, then bundled)."""
    found = find_template(str(ref), [Path.cwd()])
    if found is None:
        raise ConfigError([Problem(str(ref), 0, 0, "", "no such template",
                                   f"give a template file or folder, or one of: {', '.join(bundled_templates())}")])
    return found


def preview_file(ref: str | Path) -> Path:
    """Where a preview of a template goes when no file is named: beside the template (``preview.png`` in its
    folder, ``NAME.preview.png`` beside a lone file); a bundled template's, which is artpipe's own, in the
    current folder as ``NAME-preview.png``."""
    found = locate_template(ref)
    if found.resolve().is_relative_to(bundled_dir().resolve()):
        return Path.cwd() / f"{found.parent.name}-preview.png"
    return found.parent / "preview.png" if found.name == "template.yaml" else found.with_suffix(".preview.png")


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
                progress: Progress | None = None) -> RunResult:
    """Render product photos straight into main-image presets (``OUT/<platform>/<preset>/<name>.jpg``), each
    checked on its bytes; the report lists every photo (ignored, duplicate and rejected ones too)."""
    _check_output_folder(paths, out_dir)
    check_writable(out_dir)
    planned = plan_main_images(paths, out_dir, presets, load_presets(extra))
    stream = ((task.index, result) for task, result in render_all(plan(planned.job, out_dir), LocalExecutor(jobs)))
    return collect(planned.known, stream, progress, report or out_dir / "report.json",
                    {"command": "main-image", "presets": presets, "output": str(out_dir)})


def __getattr__(name: str) -> Any:
    """``api.studio_app``, its old spelling, still works: the studio lives in ``artpipe.studio`` now and calls
    this API, so this module looks it up only when asked (importing it here would be a cycle)."""
    if name == "studio_app":
        return importlib.import_module("artpipe.studio").studio_app
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
