"""One inbox file from stable to accounted for: route it, render it, then archive it or fail it.

The dropped photo fills the templates' ``product`` field; ``merchant.yaml`` in the merchant's folder
(``inbox/<merchant>/``) works as a brand kit and a sidecar (``mug.yaml`` beside ``mug.jpg``) gives the
product's own fields. Outputs go to ``outbox/<same folder>/<stem>/``; the input moves to ``archive/`` only
after they are durable, or to ``failed/`` with ``<name>.error.json``. Operators' requests dropped into
``inbox/requests/`` are rendered as campaigns into ``outbox/requests/<campaign>/`` and accounted for the same way.
"""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from artpipe.config import Workspace
from artpipe.errors import ConfigError, Problem
from artpipe.files import fsync_dir, move_into, write_error_report
from artpipe.inbox.ledger import Ledger
from artpipe.inbox.routes import route_for
from artpipe.layers.template import load_template
from artpipe.naming import output_name, safe_part
from artpipe.outformats import named
from artpipe.paths import UnsafePath, command, inside
from artpipe.products import Product
from artpipe.reasons import Reason, tokens
from artpipe.report.outcome import count, said, what_went_wrong
from artpipe.report.results import ProductResult, Status, problem_of, written_of
from artpipe.run.batch import run_request
from artpipe.run.jobs import RenderSpec, Task
from artpipe.sources import digest
from artpipe.template.find import find_template
from artpipe.template.model import Template
from artpipe.yamlsrc import YMap, load_mapping

MERCHANT_FILE = "merchant.yaml"
SIDECAR_SUFFIXES = (".yaml", ".yml")
PHOTO_FIELD = "product"
REQUESTS = "requests"  # inbox/requests/*.yaml are operators' requests; outputs go to outbox/requests/<campaign>/


def is_request(rel: PurePosixPath) -> bool:
    """An operator's request: a YAML file directly in ``inbox/requests/``."""
    return len(rel.parts) == 2 and rel.parts[0] == REQUESTS and rel.suffix.lower() in SIDECAR_SUFFIXES


def is_request_material(rel: PurePosixPath) -> bool:
    """Anything else below ``inbox/requests/`` (the requests' photos and CSVs): used by them, never an input."""
    return rel.parts[0] == REQUESTS and not is_request(rel)


class Fate(StrEnum):
    """What became of one input in the inbox."""

    RENDERED = "rendered"  # archived, its outputs in the outbox
    REQUEST = "request"  # a request rendered into outbox/requests/, archived
    DUPLICATE = "duplicate"  # the same bytes as an earlier input: archived, not rendered again
    FAILED = "failed"  # moved to failed/ with its .error.json
    GONE = "gone"  # moved or deleted by someone else while it was processed
    PAUSED = "paused"  # the outbox cannot be written: it stays in the inbox
    RETRYING = "retrying"  # it could not be moved: it stays in the inbox for a later pass


@dataclass(frozen=True)
class Settled:
    """One input accounted for: what became of it, and the line the watcher logs."""

    fate: Fate
    rel: PurePosixPath
    line: str  # "rendered: acme/mug.jpg: 2 outputs in 812 ms, done 3020 ms after it settled"

    def __str__(self) -> str:
        return self.line


@dataclass(frozen=True)
class Pending:
    """A stable input, prepared for rendering."""

    path: Path
    rel: PurePosixPath
    row: int
    task: Task | None  # None when it was settled without rendering (a duplicate, no route, an error)
    sidecar: Path | None
    stable_at: float
    error: tuple[Reason, str] | None = None  # (reason, message) found while preparing
    request: bool = False  # an operator's request (rendered with run_request), not a photo


def merchant_values(path: Path, root: Path, file_keys: set[str] | None = None) -> dict[str, str]:
    """Field values from a merchant file or a sidecar (ConfigError when it is broken). ``product`` is the dropped
    photo and never a field here. Values of ``file_keys`` (image and font fields) must name files inside the
    merchant's folder ``root`` (no absolute path, no ``..``, no link out) and become absolute paths; with
    ``file_keys`` None, any value naming a file inside ``root`` does (to find the kit's files)."""
    data = load_mapping(path, "a file of field values")
    if PHOTO_FIELD in data:
        raise ConfigError([_problem(path, data, PHOTO_FIELD, "the product is the dropped photo, not a field",
                                    f"remove '{PHOTO_FIELD}' from this file")])
    out = {}
    for key, value in data.items():
        text = "" if value is None else str(value)
        out[key] = text
        if not text or (file_keys is not None and key not in file_keys):
            continue
        try:
            target = inside(root, text, path.parent)
        except UnsafePath as exc:
            if file_keys is None:
                continue
            raise ConfigError([_problem(path, data, key, str(exc),
                                        "keep the merchant's files in the merchant's folder")]) from None
        if target.is_file():
            out[key] = str(target)
        elif file_keys is not None:
            raise ConfigError([_problem(path, data, key, f"no file '{text}' in the merchant's folder",
                                        "put the file beside this one")])
    return out


def _problem(path: Path, data: YMap, key: str, what: str, hint: str) -> Problem:
    line, col = data.value_marks.get(key, data.key_marks.get(key, (0, 0)))
    return Problem(str(path), line, col, key, what, hint)


def sidecar_of(path: Path) -> Path | None:
    """``mug.yaml`` beside ``mug.jpg``, if there is one."""
    return next((path.with_suffix(s) for s in SIDECAR_SUFFIXES if path.with_suffix(s).is_file()), None)


class Processor:
    """Prepares inbox files as render tasks and accounts for their outcomes."""

    def __init__(self, workspace: Workspace, ledger: Ledger) -> None:
        self.ws = workspace
        self.ledger = ledger
        self.templates: dict[str, Template] = {}
        self.this_pass: set[str] = set()  # contents being rendered in the current pass

    def _template(self, name: str) -> Template:
        if name not in self.templates:
            path = find_template(name, [self.ws.root])
            if path is None:
                msg = f"no template '{name}' (routes in {self.ws.config})"
                raise FileNotFoundError(msg)
            self.templates[name] = load_template(path, licensed=self.ws.licensed_fonts)
        return self.templates[name]

    def prepare(self, path: Path, stable_at: float) -> Pending:
        """Record the input in the ledger and build its render task (None when it needs no rendering)."""
        rel = PurePosixPath(path.relative_to(self.ws.inbox).as_posix())
        sha = self._duplicate_key(path, rel)
        row = self.ledger.begin(rel.as_posix(), sha)
        if is_request(rel):  # dropped again means "run it again" (photos changed): never a duplicate
            return Pending(path, rel, row, None, None, stable_at, request=True)
        sidecar = sidecar_of(path)
        try:
            return self._prepare(path, rel, sha, row, sidecar, stable_at)
        except ConfigError as exc:  # a broken merchant.yaml or sidecar fails this file, not the watcher
            return Pending(path, rel, row, None, sidecar, stable_at, (Reason.CONFIG, str(exc).splitlines()[0]))
        except FileNotFoundError as exc:
            return Pending(path, rel, row, None, sidecar, stable_at, (Reason.ROUTE, str(exc)))

    def _duplicate_key(self, path: Path, rel: PurePosixPath) -> str:
        """What makes two inputs the same render: the photo's bytes, the merchant, the route and the bytes of the
        merchant file and sidecar that give its fields. The same photo dropped by two merchants, or with another
        sidecar, is rendered for each."""
        merchant = rel.parts[0] if len(rel.parts) > 1 else ""
        route = route_for(rel, self.ws.routes)
        fields = [self.ws.inbox / merchant / MERCHANT_FILE if merchant else None, sidecar_of(path)]
        parts = [digest(path), merchant, route.match if route else "",
                 *(digest(f) if f is not None and f.is_file() else "" for f in fields)]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _output_folder(self, rel: PurePosixPath) -> str:
        """The outbox folder of the photo at ``rel``: its name without the extension, unless another photo of the
        same folder (waiting or archived) would get the same one (mug.jpg, mug.JPG, mug.png; mug:1 and mug?1,
        which become one safe name; Mug and mug on a case-blind share): then the extension is kept, and a short
        hash of the whole name when even that collides. Outputs of one photo never overwrite another's."""
        def folder_name(name: str) -> str:
            return unicodedata.normalize("NFC", safe_part(PurePosixPath(name).stem)).casefold()

        mine = folder_name(rel.name)
        others = {n for base in (self.ws.inbox, self.ws.archive) if (base / rel.parent).is_dir()
                  for n in os.listdir(base / rel.parent)
                  if n != rel.name and not n.endswith(".error.json") and Path(n).suffix.lower() not in SIDECAR_SUFFIXES
                  and folder_name(n) == mine}
        stem = safe_part(PurePosixPath(rel.name).stem)
        if not others:
            return stem
        with_ext = f"{stem}-{safe_part(PurePosixPath(rel.name).suffix.lstrip('.')) or 'none'}"
        if any(folder_name(n) == mine and n.casefold().endswith(PurePosixPath(rel.name).suffix.casefold())
               for n in others):
            return f"{with_ext}-{hashlib.sha256(rel.name.encode()).hexdigest()[:6]}"
        return with_ext

    def _prepare(self, path: Path, rel: PurePosixPath, sha: str, row: int, sidecar: Path | None,
                 stable_at: float) -> Pending:
        earlier = self.ledger.done_with(sha)
        # A copy in the same pass counts too, so which file is the duplicate does not depend on batching.
        if self.ws.duplicates == "skip" and ((earlier is not None and earlier.id != row) or sha in self.this_pass):
            return Pending(path, rel, row, None, sidecar, stable_at)
        route = route_for(rel, self.ws.routes)
        if route is None:
            return Pending(path, rel, row, None, sidecar, stable_at)
        values: dict[str, str] = dict(route.defaults)
        root = self.ws.inbox / rel.parts[0] if len(rel.parts) > 1 else self.ws.inbox  # the merchant's folder
        merchant = root / MERCHANT_FILE if len(rel.parts) > 1 else None
        templates = tuple(self._template(n) for n in route.templates)
        file_keys = {name for t in templates for name, f in t.fields.items() if f.type in ("image", "font")}
        for extra in (merchant, sidecar):
            if extra is not None and extra.is_file():
                values.update(merchant_values(extra, root, file_keys))
        images = {**{k: Path(v) for k, v in values.items() if _is_image_field(k, templates) and v},
                  PHOTO_FIELD: path}  # the dropped photo, whatever the files say
        texts = {k: v for k, v in values.items() if k not in images}
        product = Product(0, path.stem, texts, images, str(path), 0, path)
        out_dir = self.ws.outbox / rel.parent / self._output_folder(rel)
        renders: list[RenderSpec] = []
        for i, template in enumerate(templates):
            sizes = template.size_names if route.sizes == "all" else tuple(route.sizes)
            for size in sizes:
                name = output_name(self.ws.output, {"template": template.name, "size": size, "sku": path.stem,
                                                    "stem": path.stem})
                renders.extend(RenderSpec(i, size, out_dir / named(name, encode.format), encode=encode)
                               for encode in self.ws.encodings)
        task = Task(row, product, templates, tuple(renders), self.ws.encodings[0],
                    isolation=route.cutout or self.ws.cutout, lettering=self.ws.lettering)
        self.this_pass.add(sha)  # only once it is really rendered: a failed file makes no later copy a duplicate
        return Pending(path, rel, row, task, sidecar, stable_at)

    def render_request(self, item: Pending, workers: int) -> Settled:
        """Render a request into ``outbox/requests/<campaign>/``, then archive it (or fail it when it is wrong
        or nothing could be rendered)."""
        try:
            campaign = run_request(item.path, self.ws.outbox / REQUESTS, jobs=workers, presets=self.ws.presets,
                                   licensed=self.ws.licensed_fonts,
                                   timeout=self.ws.timeout_seconds)
        except ConfigError as exc:
            more = f" (+{len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            return self._fail(item, Reason.CONFIG, f"{exc.problems[0]}{more}",
                              "fix the request (artpipe validate shows every problem), then: " + self._retry)
        results = campaign.run.results
        written = [p for r in results for p in written_of(r)]
        if not written:
            first = next((r for r in results if r.status is not Status.OK), None)
            problem = problem_of(first) if first is not None else None
            reason = problem.reason if problem is not None else Reason.RENDER
            message = what_went_wrong(first) if first is not None else "the request has no products"
            return self._fail(item, reason, message, "fix the request or its photos, then: " + self._retry)
        failing = sum(1 for r in results if isinstance(r, ProductResult) for c in r.checks if not c.passed)
        not_ok = [r for r in results if r.status is not Status.OK]
        summary = (f"{count(len(written), 'file')} for {count(len(results), 'product')}, "
                   f"{len(not_ok)} failed, {failing} failing a rule; proof: {campaign.root / 'proof.html'}")
        if campaign.changes is not None:
            moved = sum(1 for c in campaign.changes if c.state != "unchanged")
            summary += f"; {moved} of {len(campaign.changes)} changed since approval"
        for folder in {p.parent for p in written} | {campaign.root}:
            fsync_dir(folder)
        dest = move_into(item.path, self.ws.archive, Path(item.rel))
        self.ledger.finish(item.row, "done", outputs=written, moved_to=dest,
                           message=summary, latency_ms=(time.time() - item.stable_at) * 1000)
        return Settled(Fate.REQUEST, item.rel, f"request: {item.rel}: {summary}")

    def settle(self, item: Pending, result: ProductResult | None) -> Settled:
        """Archive or fail the input after its outputs are durable."""
        started = item.stable_at
        if not item.path.exists():  # deleted or renamed while it was being rendered: nothing left to move
            self.ledger.finish(item.row, "failed", reason=Reason.MISSING, message="moved or deleted while processed")
            return Settled(Fate.GONE, item.rel, f"gone: {item.rel} (moved or deleted while it was processed; its "
                           "outputs, if any, are kept)")
        if item.error is not None:
            return self._fail(item, item.error[0], item.error[1], "fix it, then: " + self._retry)
        if item.task is None:
            if route_for(item.rel, self.ws.routes) is None:
                return self._fail(item, Reason.ROUTE, f"no route in {self.ws.config.name} matches {item.rel}",
                                  "add a route for this folder")
            dest = move_into(item.path, self.ws.archive, Path(item.rel))
            self._move_sidecar(item, self.ws.archive)
            self.ledger.finish(item.row, "duplicate", message="same bytes as an earlier input; not rendered again",
                               moved_to=dest)
            return Settled(Fate.DUPLICATE, item.rel,
                           f"duplicate: {item.rel} (same bytes as an earlier input; archived)")
        assert result is not None
        problem = result.problem
        if problem is not None and problem.reason is Reason.WRITE:
            # Not the file's fault (disk full, outbox gone): keep it in the inbox and pause.
            self.ledger.abandon(item.row)
            return Settled(Fate.PAUSED, item.rel,
                           f"paused: {said(result)}; {item.rel} stays in the inbox and is tried again")
        if result.status is not Status.OK:
            return self._fail(item, problem.reason if problem is not None else Reason.RENDER, said(result),
                              "fix it, then: " + self._retry)
        written = written_of(result)
        for folder in {p.parent for p in written}:
            fsync_dir(folder)
        latency = (time.time() - started) * 1000
        dest = move_into(item.path, self.ws.archive, Path(item.rel))
        self._move_sidecar(item, self.ws.archive)
        self.ledger.finish(item.row, "done", outputs=written, moved_to=dest,
                           latency_ms=latency, message=", ".join(tokens(result.notes)))
        # The render's own time, not the wait in the queue behind other files: that is the latency, said apart.
        took = result.elapsed_ms
        rendered = f" in {took:.0f} ms" if took is not None else ""
        return Settled(Fate.RENDERED, item.rel, f"rendered: {item.rel}: {count(len(written), 'output')}"
                       f"{rendered}, done {latency:.0f} ms after it settled")

    @property
    def _retry(self) -> str:
        """The retry command for this workspace: a hint that names it works from any folder."""
        return command("artpipe", "retry", "--config", self.ws.root)

    def _fail(self, item: Pending, reason: Reason, message: str, todo: str) -> Settled:
        dest = move_into(item.path, self.ws.failed, Path(item.rel))
        self._move_sidecar(item, self.ws.failed)
        report = {"input": item.rel.as_posix(), "reason": reason.value, "message": message, "what_to_do": todo,
                  "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        write_error_report(dest, report)
        self.ledger.finish(item.row, "failed", reason=reason, message=message, moved_to=dest)
        return Settled(Fate.FAILED, item.rel, f"failed: {item.rel}: {reason.value}: {message}")

    def _move_sidecar(self, item: Pending, root: Path) -> None:
        if item.sidecar is not None and item.sidecar.exists():
            move_into(item.sidecar, root, Path(item.rel).with_suffix(item.sidecar.suffix))


def _is_image_field(name: str, templates: tuple[Template, ...]) -> bool:
    return any(t.fields.get(name) is not None and t.fields[name].type == "image" for t in templates)
