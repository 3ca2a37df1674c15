"""A template tried on real products from the Templates page: the designer's photos and products sheet become a
job (the same YAML ``artpipe render`` reads, written for them) rendered into every size, without anyone writing
YAML. Its folder holds the photos, ``job.yaml``, ``out/`` with the images and ``report.json``, and ``status.json``
once the render has ended.

It decodes photos and renders: the studio calls it in a thread, never on its event loop, and renders a trial in
the background (the page that asked is answered at once and shows the images as they come).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml

from artpipe.errors import ArtpipeError, InputError
from artpipe.files import remove_output, write_atomic, write_text_atomic
from artpipe.imaging.open import open_image
from artpipe.layers.template import load_template
from artpipe.naming import safe_part
from artpipe.paths import UnsafePath, inside
from artpipe.run.batch import RunResult, render_job
from artpipe.run.jobs import load_job
from artpipe.studio.sheets import SheetError, read_sheet
from artpipe.workbench.bench import TemplateRef

RUNS = Path("studio", "template-runs")  # inside the workspace, beside the studio's requests
MAX_PHOTOS = 60  # as a request takes
JOB = "job.yaml"
STATUS = "status.json"  # "rendering" by this studio process when written, then how the render ended
# Who renders a trial: a studio process names itself in its trials' status while they render, so a trial left
# "rendering" by a process that stopped (a restart, a crash) reads as interrupted, not as rendering forever.
_PROCESS = secrets.token_hex(8)
OUT = "out"
_RUN_ID = re.compile(r"[a-z0-9-]{1,64}-\d{8}-\d{6}-[0-9a-f]{6}")
_SHOWN = (".jpg", ".jpeg", ".png", ".webp")


@dataclass(frozen=True)
class Upload:
    """A file as it was uploaded (within the page's size limits)."""

    name: str
    data: bytes


class TrialError(ValueError):
    """What is wrong with the photos or the sheet, every problem at once (one line each)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Trial:
    """A written job: its folder (under the workspace's ``studio/template-runs/``) and how many products."""

    id: str
    folder: Path
    products: int


def write_trial(root: Path, ref: TemplateRef, photos: list[Upload], sheet: Upload | None) -> Trial:
    """The job of ``ref`` over ``photos`` and, when given, a products sheet (CSV or XLSX: ``sku``, ``photo`` as
    the file name of an uploaded photo, and the template's fields); without a sheet, one product per photo with
    the template's examples. TrialError listing every problem; nothing is written then."""
    problems: list[str] = []
    if not photos:
        problems.append("upload the product photos (choose many at once)")
    if len(photos) > MAX_PHOTOS:
        problems.append(f"at most {MAX_PHOTOS} photos at a time")
    names: dict[str, Upload] = {}
    for upload in photos[:MAX_PHOTOS]:
        name = safe_part(Path(upload.name.replace("\\", "/")).name)
        if name in names:
            problems.append(f"{upload.name}: two photos of this name; rename one")
        names[name] = upload
    fields = load_template(ref.file).fields
    rows: list[dict[str, str]] = []
    if sheet is not None:
        try:
            rows = read_sheet(sheet.name, sheet.data)
        except SheetError as exc:
            problems.append(f"{sheet.name}: {exc}")
    else:
        rows = [{"sku": Path(n).stem, "photo": n} for n in names]
    products = []
    for i, row in enumerate(rows, 2 if sheet is not None else 1):
        photo = safe_part(row.get("photo") or row.get("product") or "")
        if photo not in names:
            where = f"{sheet.name} row {i}" if sheet is not None else f"photo {i}"
            problems.append(f"{where}: no uploaded photo '{photo}'; upload it with the others")
            continue
        product = {"sku": safe_part(row.get("sku") or Path(photo).stem), "product": f"photos/{photo}"}
        product.update({k: v for k, v in row.items() if k in fields and k not in ("sku", "product") and v})
        if sheet is None:  # no sheet: the template's own example words (a required headline has one)
            product.update({k: f.example for k, f in fields.items()
                            if f.type == "text" and f.example and k not in product})
        products.append(product)
    if not products and not problems:
        problems.append("the sheet has no products")
    if problems:
        raise TrialError(problems)
    stamp = f"{ref.name.lower()[:40]}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    folder = root / RUNS / stamp
    for name, upload in names.items():
        write_atomic(folder / "photos" / name, upload.data)
        try:
            open_image(folder / "photos" / name)
        except InputError as exc:
            problems.append(f"{upload.name}: {exc.message}")
    if problems:
        for name in names:
            remove_output(folder / "photos" / name)
        raise TrialError(problems)
    doc = {"name": ref.name, "templates": [{"template": os.path.relpath(ref.file.parent, folder), "sizes": "all"}],
           "output": "{sku}/{size}.jpg", "products": products}
    _write_status(folder, {"state": TrialState.RENDERING.value, "by": _PROCESS})
    write_text_atomic(folder / JOB, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return Trial(stamp, folder, len(products))


def _write_status(folder: Path, record: Mapping[str, object]) -> None:
    write_text_atomic(folder / STATUS, json.dumps(record) + "\n")


def run_trial(trial: Trial, jobs: int | None = None) -> RunResult:
    """Render the trial's job into its ``out/`` (report.json there too)."""
    return render_job(load_job(trial.folder / JOB), trial.folder / OUT, jobs=jobs)


class TrialState(Enum):
    """Where a trial is: rendering (nothing recorded yet), done, or failed before any product was rendered."""

    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class TrialStatus:
    """What a trial's page says: its state and, once it ended, its numbers or why it failed."""

    state: TrialState
    products: int = 0
    ok: int = 0
    outputs: int = 0
    seconds: float = 0.0
    error: str = ""

    @property
    def failed(self) -> int:
        """Products that did not render (see report.json)."""
        return self.products - self.ok if self.state == TrialState.DONE else 0


def finish_trial(trial: Trial, jobs: int | None = None) -> TrialStatus:
    """Render the trial and record how it ended in its ``status.json`` (what its page reads while it renders in
    the background): the numbers, or the one-line reason a job that could not start failed."""
    try:
        result = run_trial(trial, jobs)
    except (ArtpipeError, OSError) as exc:  # a template changed since, a full disk: said on the page, not lost
        status = TrialStatus(TrialState.FAILED, trial.products, error=str(exc).splitlines()[0][:300])
    else:
        summary = result.summary
        status = TrialStatus(TrialState.DONE, len(result.results), summary["ok"], summary["outputs"],
                             round(result.seconds, 1))
    record = {"state": status.state.value, "products": status.products, "ok": status.ok,
              "outputs": status.outputs, "seconds": status.seconds, "error": status.error}
    _write_status(trial.folder, record)
    return status


def trial_status(folder: Path) -> TrialStatus:
    """How the trial in ``folder`` stands: rendering while this studio process renders it, then how it ended;
    interrupted (failed, with what to do) when the process that rendered it stopped before the end."""
    try:
        data = json.loads((folder / STATUS).read_text(encoding="utf-8"))
        if data["state"] == TrialState.RENDERING.value:
            return TrialStatus(TrialState.RENDERING) if data.get("by") == _PROCESS else _INTERRUPTED
        return TrialStatus(TrialState(data["state"]), int(data["products"]), int(data["ok"]), int(data["outputs"]),
                           float(data["seconds"]), str(data["error"]))
    except FileNotFoundError:  # written before trials said who renders them, and never finished
        return _INTERRUPTED
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return TrialStatus(TrialState.FAILED, error=f"its {STATUS} cannot be read ({type(exc).__name__})")


_INTERRUPTED = TrialStatus(TrialState.FAILED, error="the studio stopped while this trial rendered; try the "
                                                    "template on the products again")


def trial_folder(root: Path, run_id: str) -> Path | None:
    """The folder of a trial a page names, or None (an id of another shape, or none written)."""
    if not _RUN_ID.fullmatch(run_id):
        return None
    try:
        folder = inside(root / RUNS, run_id)
    except UnsafePath:
        return None
    return folder if (folder / JOB).is_file() else None


def trial_images(folder: Path) -> list[str]:
    """The images a trial rendered, relative to its ``out/``, in order."""
    out = folder / OUT
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix.lower() in _SHOWN
                  and p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts))
