"""A rendered campaign as people read it (the proof page, the studio): each image with its marketplace slot's
human title, its checks in words, plain-language warnings, the merchant's decision and what changed since
approval."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from artpipe.presets import load_platforms, load_presets
from artpipe.reasons import WARNING_WORDS as WARNING_WORDS
from artpipe.reasons import words

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
    status: str
    message: str
    warnings: list[str]
    shots: list[Shot]


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


def _rel(shown: str, root: Path) -> str | None:
    path = Path(shown)
    full = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        return full.relative_to(root.resolve()).as_posix()
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
    """The campaign at ``root`` (its report.json, with what changed since approval) as a proof."""
    report: dict[str, Any] = json.loads((root / "report.json").read_text(encoding="utf-8"))
    known, _ = load_presets()
    titles = {n: p.title for n, p in load_platforms().items()}
    decisions = decisions or {}
    signs: dict[str, Shot] = {}
    products = []
    for item in report.get("items", []):
        checks = {_rel(c["output"], root): c for c in item.get("checks", [])}
        changes = {_rel(a["output"], root): a for a in item.get("approval", [])}
        shots = []
        for shown in item.get("outputs", []):
            rel = _rel(shown, root)
            if rel is None:
                continue
            check = checks.get(rel)
            preset = known.get(check["preset"]) if check else None
            title = f"{preset.title}, {preset.width}x{preset.height}" if preset else rel
            failing = [f"{RULE_WORDS.get(r['rule'], r['rule'].replace('_', ' '))}: {r['measured']} (needs "
                       f"{r['limit']})" for r in (check or {}).get("rules", []) if not r["ok"]]
            change = changes.get(rel)
            platform = titles.get(check["platform"], check["platform"]) if check else ""
            file = root / rel
            size = f"{file.stat().st_size // 1024} KB" if file.is_file() else ""
            shot = Shot(rel, title, platform, check["pass"] if check else None, failing, decisions.get(rel),
                        change["state"] if change else "", change.get("diff") if change else None, size)
            if preset is not None and preset.name.endswith("shop_sign"):
                signs.setdefault(preset.name, shot)
                continue
            shots.append(shot)
        warnings = list(dict.fromkeys(words(w) for w in item.get("warnings", [])))
        products.append(ProductView(str(item.get("sku", "")), str(item["status"]), str(item.get("message", "")),
                                    warnings, shots))
    return Proof(list(signs.values()), products)
