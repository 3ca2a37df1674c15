"""A rendered campaign as people read it (the proof page, the studio): each image with its marketplace slot's
human title, its checks in words, plain-language warnings, the merchant's decision and what changed since
approval.

It is read from the campaign's record (``.artpipe/results.json``: the products' typed results with paths
relative to the campaign folder, and what changed since approval), written beside report.json by every
render, so no display string of the report is ever turned back into a path. A folder rendered by a version
before the record is read from its report.json, as it was then."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from artpipe.approval import Change
from artpipe.imaging.checks import CheckResult
from artpipe.presets import Preset, load_platforms, load_presets
from artpipe.reasons import WARNING_WORDS as WARNING_WORDS
from artpipe.reasons import words
from artpipe.report.outcome import said
from artpipe.report.results import OutputCheck, ProductResult, Status

RECORD = ".artpipe/results.json"  # in a campaign folder: what its last render produced, typed

RULE_WORDS = {
    "white_background": "the background is not pure white", "min_side": "the image is too small",
    "max_side": "the image is too large", "bytes": "the file size is outside the allowed range",
    "formats": "the file format is not accepted", "fill": "the product does not fill enough of the image",
    "edge_margin": "the product touches the edge", "no_overlays": "text or badges are not allowed here",
    "low_resolution": "the product photo was enlarged too much", "whole_product": "the product is cut off",
    "aspect": "the shape of the image is wrong", "color_mode": "the colours are not sRGB",
    "uncertain_cutout": "the cut-out needs a retoucher's look", "one_subject": "more than one product is shown",
    "no_text": "the photo carries text, a watermark or a price", "isolated_product": "the photo was not cut out",
}


@dataclass
class Shot:
    """One image of the campaign."""

    rel: str  # relative to the campaign folder
    title: str  # "Tmall white-background image (白底图), 800x800"
    platform: str
    passed: bool | None  # None: no marketplace rules apply
    failing: list[str] = field(default_factory=list)
    decision: Any = None  # the merchant's decision, where the studio keeps them
    change: str = ""  # unchanged, changed, new (after an approval)
    diff: str | None = None  # relative to the campaign folder
    size: str = ""  # "212 KB"


@dataclass
class ProductView:
    sku: str
    status: Status
    message: str
    warnings: list[str]
    shots: list[Shot]

    @property
    def made(self) -> bool:
        """Whether every output of the product was made."""
        return self.status is Status.OK


@dataclass
class Proof:
    shop_signs: list[Shot]  # the same shop sign for every product: shown once
    products: list[ProductView]

    @property
    def shots(self) -> list[Shot]:
        return [*self.shop_signs, *(s for p in self.products for s in p.shots)]


def __getattr__(name: str) -> Any:
    if name == "PLATFORM_NAMES":  # the older table: each platform's title is in presets.yaml now
        return {n: p.title for n, p in load_platforms().items()}
    raise AttributeError(name)


def record_json(root: Path, products: Sequence[ProductResult], changes: Sequence[Change] | None) -> str:
    """The campaign record of ``root`` (see RECORD): the products' results, paths relative to ``root``, and what
    changed since approval (None when it was never approved)."""
    doc = {"products": [p.to_json(root) for p in products],
           "changes": None if changes is None else [asdict(c) for c in changes]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def read_record(root: Path) -> tuple[list[ProductResult], dict[str, Change] | None] | None:
    """The products and the changes (by output, relative to ``root``) of a campaign's record; None when it has
    none or one this version cannot read (it is read from its report then)."""
    try:
        doc = json.loads((root / RECORD).read_text(encoding="utf-8"))
        products = [ProductResult.from_json(p, root) for p in doc["products"]]
        changes = None if doc.get("changes") is None else {str(c["output"]): Change(**c) for c in doc["changes"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return products, changes


def _rel(path: Path, root: Path) -> str | None:
    """A file of the campaign, relative to its folder; None for one outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def approval(root: Path) -> str | None:
    """"approved 2026-11-05 18:20 UTC by Li Wei" for a campaign whose outputs stand approved, else None."""
    try:
        doc = json.loads((root / "approved.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if "reopened_at" in doc:
        return None  # a change was asked for after approval: the set is not approved
    when = str(doc.get("approved_at", "")).replace("T", " ")[:16]
    by = doc.get("approved_by")
    return f"approved {when} UTC" + (f" by {by}" if by else "")


def read_proof(root: Path, decisions: dict[str, Any] | None = None) -> Proof:
    """The campaign at ``root`` (its record, with what changed since approval) as a proof."""
    record = read_record(root)
    if record is None:
        return _read_legacy(root, decisions or {})
    products, changes = record
    slots = _Slots(root, decisions or {})
    views = []
    for result in products:
        shots = []
        for out in result.written:
            rel = _rel(out.path, root)
            if rel is None:
                continue
            change = (changes or {}).get(rel)
            shot = slots.shot(rel, out.check, change.state if change else "", change.diff if change else None)
            if shot is not None:
                shots.append(shot)
        notes = list(dict.fromkeys(n.words for n in result.notes))
        views.append(ProductView(result.sku, result.status, said(result), notes, shots))
    return Proof(list(slots.signs.values()), views)


class _Slots:
    """Shots of one campaign: each output with its slot's title, its failing rules in words, its size on disk;
    the shop sign kept once."""

    def __init__(self, root: Path, decisions: dict[str, Any]) -> None:
        self.root, self.decisions = root, decisions
        self.known: dict[str, Preset] = load_presets()[0]
        self.titles = {n: p.title for n, p in load_platforms().items()}
        self.signs: dict[str, Shot] = {}

    def shot(self, rel: str, check: OutputCheck | None, change: str, diff: str | None) -> Shot | None:
        """The shot of the output at ``rel``; None for a shop sign already shown."""
        preset = self.known.get(check.preset) if check else None
        title = f"{preset.title}, {preset.width}x{preset.height}" if preset else rel
        failing = [_failing(r) for r in check.failing] if check else []
        platform = self.titles.get(check.platform, check.platform) if check else ""
        file = self.root / rel
        size = f"{file.stat().st_size // 1024} KB" if file.is_file() else ""
        shot = Shot(rel, title, platform, check.passed if check else None, failing, self.decisions.get(rel), change,
                    diff, size)
        if preset is not None and preset.name.endswith("shop_sign"):
            self.signs.setdefault(preset.name, shot)
            return None
        return shot


def _failing(rule: CheckResult) -> str:
    return f"{RULE_WORDS.get(rule.rule, rule.rule.replace('_', ' '))}: {rule.measured} (needs {rule.limit})"


def _read_legacy(root: Path, decisions: dict[str, Any]) -> Proof:
    """A campaign rendered before the record: its report.json, whose outputs were shown relative to the folder
    the render ran in (taken to be this process's, as it was then)."""
    report: dict[str, Any] = json.loads((root / "report.json").read_text(encoding="utf-8"))
    slots = _Slots(root, decisions)
    products = []
    for item in report.get("items", []):
        checks = {_shown_rel(c["output"], root): OutputCheck.from_json(c) for c in item.get("checks", [])}
        changes = {_shown_rel(a["output"], root): a for a in item.get("approval", [])}
        shots = []
        for rel in (_shown_rel(shown, root) for shown in item.get("outputs", [])):
            if rel is None:
                continue
            change = changes.get(rel)
            shot = slots.shot(rel, checks.get(rel), change["state"] if change else "",
                              change.get("diff") if change else None)
            if shot is not None:
                shots.append(shot)
        warnings = list(dict.fromkeys(words(w) for w in item.get("warnings", [])))
        products.append(ProductView(str(item.get("sku", "")), Status(item["status"]), str(item.get("message", "")),
                                    warnings, shots))
    return Proof(list(slots.signs.values()), products)


def _shown_rel(shown: str, root: Path) -> str | None:
    return _rel(Path(shown) if Path(shown).is_absolute() else Path.cwd() / shown, root)
