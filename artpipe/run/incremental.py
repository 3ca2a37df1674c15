"""Incremental rendering: an output is rendered again only when something it is made from changed.

Each written output gets a record in the cache folder (``OUT/.artpipe-cache/`` unless told otherwise) with
the fingerprints of what made it: the input files' bytes, the template (every key and value as loaded,
plus the bytes of its own files), the product's field values, and the settings (size, preset, encoder,
output name, artpipe version). On the next run an output whose fingerprints all match, and whose file is
still the one written, is skipped; a product with nothing to do is not even decoded, and its last result
(kept as a typed record, see results.ProductResult) is reported again. Input fingerprints are remembered by
size and modification time, so an unchanged input is not read again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from artpipe.errors import ConfigError, Problem
from artpipe.files import write_text_atomic
from artpipe.report.results import ProductResult, Status
from artpipe.run.jobs import RenderSpec, Task
from artpipe.sources import digest
from artpipe.template.model import Template
from artpipe.version import __version__

CACHE_DIR = ".artpipe-cache"
PARTS = ("input", "template", "fields", "settings")  # in the order a reason is given


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """Whether one output is rendered, and why."""

    task: int
    output: Path
    render: bool
    reason: str  # "up to date", "new", "input changed", "template changed", ..., "forced"


class Cache:
    """The records of one output folder's cache."""

    def __init__(self, root: Path) -> None:
        if root.exists() and not root.is_dir():
            raise ConfigError([Problem(str(root), 0, 0, "", "the cache folder is a file",
                                       "move the file away, or name another folder with --cache")])
        self.root = root
        self._inputs_file = root / "inputs.json"
        loaded = self._load(self._inputs_file) or {}
        # Entries of another shape (a hand-edited or foreign file) are dropped: those inputs are read again.
        self._inputs: dict[str, list[Any]] = {
            k: v for k, v in loaded.items() if isinstance(v, list) and len(v) == 3
            and isinstance(v[0], int) and isinstance(v[1], int) and isinstance(v[2], str)}
        self._templates: dict[int, str] = {}

    @staticmethod
    def _load(path: Path) -> dict[str, Any] | None:
        """A record, or None when there is none or it is damaged or of another shape: render again."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    # fingerprints ------------------------------------------------------------------------------------------------

    def input_digest(self, path: Path) -> str:
        """SHA-256 of an input, read again only when its size or modification time changed."""
        try:
            st = path.stat()
        except OSError:
            return "missing"
        known = self._inputs.get(str(path))
        if known is not None and known[:2] == [st.st_size, st.st_mtime_ns]:
            return str(known[2])
        sha = digest(path)
        self._inputs[str(path)] = [st.st_size, st.st_mtime_ns, sha]
        return sha

    def _template(self, template: Template) -> str:
        key = id(template)
        if key not in self._templates:
            files = "".join(self.input_digest(Path(a)) for a in template.assets)
            self._templates[key] = _sha(repr(template) + files)
        return self._templates[key]

    def parts(self, task: Task, spec: RenderSpec) -> dict[str, str]:
        """The fingerprints of one output: only the fields (and photos) its template uses count, so a new
        headline renders the banners again but not the main image."""
        product, template = task.product, task.templates[spec.template]
        used = template.fields
        inputs = "".join(f"{k}={self.input_digest(p)};" for k, p in sorted(product.images.items()) if k in used)
        values = {k: v for k, v in product.values.items() if k in used}
        settings = repr((spec.size, spec.preset, spec.platform, task.encoding(spec), spec.output.name, __version__))
        return {"input": _sha(inputs), "template": self._template(template),
                "fields": _sha(json.dumps(values, sort_keys=True, ensure_ascii=False)), "settings": _sha(settings)}

    # records -----------------------------------------------------------------------------------------------------

    def _record_path(self, output: Path) -> Path:
        return self.root / "outputs" / f"{_sha(str(output.resolve()))[:32]}.json"

    def _task_path(self, task: Task) -> Path:
        key = "\0".join([task.product.sku, *sorted(str(s.output.resolve()) for s in task.renders)])
        return self.root / "products" / f"{_sha(key)[:32]}.json"

    def decide(self, task: Task, spec: RenderSpec, force: bool) -> Decision:
        """Render this output, or keep it (and why)."""
        if force:
            return Decision(task.index, spec.output, True, "forced")
        record = self._load(self._record_path(spec.output))
        if record is None:
            return Decision(task.index, spec.output, True, "new")
        try:
            st = spec.output.stat()
        except OSError:
            return Decision(task.index, spec.output, True, "output missing")
        if [st.st_size, st.st_mtime_ns] != record.get("file"):
            return Decision(task.index, spec.output, True, "output changed on disk")
        now = self.parts(task, spec)
        parts = record.get("parts")
        if not isinstance(parts, dict):
            return Decision(task.index, spec.output, True, "new")
        for part in PARTS:
            if parts.get(part) != now[part]:
                return Decision(task.index, spec.output, True, f"{part} changed")
        return Decision(task.index, spec.output, False, "up to date")

    def split(self, tasks: list[Task], force: bool) -> tuple[list[Task], list[tuple[int, ProductResult]],
                                                             list[Decision]]:
        """(tasks with only the outputs to render, results of products with nothing to do, every decision)."""
        todo: list[Task] = []
        kept: list[tuple[int, ProductResult]] = []
        decisions: list[Decision] = []
        for task in tasks:
            mine = [self.decide(task, spec, force) for spec in task.renders]
            last = self._last(task)
            if last is None:  # no report of the product's last run to keep outputs under: render it all
                mine = [d if d.render else replace(d, render=True, reason="product not recorded") for d in mine]
            decisions.extend(mine)
            stale = tuple(spec for spec, d in zip(task.renders, mine, strict=True) if d.render)
            if last is None:
                todo.append(task)
            elif not stale:
                kept.append((task.index, replace(last, cached=True)))
            else:
                todo.append(task if len(stale) == len(task.renders) else replace(task, renders=stale))
        return todo, kept, decisions

    def _last(self, task: Task) -> ProductResult | None:
        """The product's last result, its outputs named as ``task`` names them; None when there is none or it is
        of another shape (the product renders whole)."""
        data = self._load(self._task_path(task))
        try:
            last = ProductResult.from_json(data) if data is not None else None
        except (KeyError, TypeError, ValueError):
            return None
        if last is None:
            return None
        ours = {s.output.resolve(): s.output for s in task.renders}
        return last.moved(ours)

    def finish(self, full: Task, ran: Task, result: ProductResult) -> ProductResult:
        """Record what a (possibly partial) task wrote; return its result for the whole product."""
        specs = {s.output: s for s in ran.renders}
        for out in (o for o in result.written if o.path in specs):
            st = out.path.stat()
            _keep(self._record_path(out.path), json.dumps(
                {"output": str(out.path), "file": [st.st_size, st.st_mtime_ns],
                 "parts": self.parts(full, specs[out.path])}))
        if ran is not full:
            result = _merge(self._last(full), result, full)
        if result.status is Status.OK:
            _keep(self._task_path(full), json.dumps(result.to_json(), ensure_ascii=False))
        return result

    def save(self) -> None:
        """Keep the input fingerprints for the next run (a full disk costs the next run speed, not this one)."""
        _keep(self._inputs_file, json.dumps(self._inputs))


def _keep(path: Path, text: str) -> None:
    """Write a record; one that cannot be written (a full disk, a read-only folder) only means that output is
    rendered again next time."""
    try:
        write_text_atomic(path, text)
    except OSError:
        pass


def _merge(last: ProductResult | None, new: ProductResult, full: Task) -> ProductResult:
    """The result of a product of which only some outputs were rendered again: the kept outputs (with their
    checks) from its last run, the new ones from this run, in the job's order."""
    if last is None:
        return new
    fresh = {o.path for o in new.outputs}
    order = {s.output: i for i, s in enumerate(full.renders)}
    outputs = sorted([*(o for o in last.written if o.path not in fresh), *new.outputs],
                     key=lambda o: order.get(o.path, len(order)))
    warnings = tuple(dict.fromkeys([*last.warnings, *new.warnings]))
    return replace(new, outputs=tuple(outputs), warnings=warnings)
