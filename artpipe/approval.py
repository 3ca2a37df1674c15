"""Approval of a campaign's outputs, and what changed since.

``approve`` records the content hash of every output of a campaign folder in ``approved.json`` and keeps a
copy of each approved file (``approved/<hash>.<ext>``, so identical files are kept once). After a re-run,
``compare`` tells for each output whether it is unchanged, changed or new since approval (and which approved
files are gone), and draws a visual diff for each change into ``changes/``, so an operator re-sends only
what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from artpipe.errors import ConfigError, Problem
from artpipe.files import remove_output, write_atomic, write_png, write_text_atomic
from artpipe.imaging.formats import IMAGE_EXTENSIONS
from artpipe.sources import digest
from artpipe.text.fonts import get_font

APPROVED = "approved.json"
COPIES = "approved"
CHANGES = "changes"
REPORT = "report.json"
_SHEETS = ("proof.png",)
STATES = ("unchanged", "changed", "new", "gone")


@dataclass(frozen=True)
class Change:
    """One output compared with its approved version."""

    output: str  # relative to the campaign folder, with / separators
    state: str  # one of STATES
    diff: str | None = None  # the visual diff (relative to the campaign folder) for a changed output


def campaign_outputs(root: Path) -> list[Path]:
    """The rendered files of a campaign folder (not its proof sheet, approved copies or diffs), sorted."""
    skip = {root / COPIES, root / CHANGES}
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in IMAGE_EXTENSIONS or path.name.startswith("."):
            continue
        if any(parent in skip for parent in path.parents) or (path.parent == root and path.name in _SHEETS):
            continue
        out.append(path)
    return out


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def approve(root: Path, by: str | None = None) -> dict[str, str]:
    """Record every output of the campaign folder ``root`` as approved (``by`` whom, when known); returns
    {output: sha256}."""
    if not (root / REPORT).is_file():
        raise ConfigError([Problem(str(root), 0, 0, "", f"not a campaign folder (no {REPORT})",
                                   "give the folder artpipe request wrote, e.g. out/double11")])
    hashes: dict[str, str] = {}
    for path in campaign_outputs(root):
        sha = digest(path)
        hashes[_rel(path, root)] = sha
        copy = root / COPIES / f"{sha}{path.suffix.lower()}"
        if not copy.is_file():
            write_atomic(copy, path.read_bytes())
    doc: dict[str, object] = {"approved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if by:
        doc["approved_by"] = by
    doc["outputs"] = hashes
    write_text_atomic(root / APPROVED, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return hashes


def approved(root: Path) -> tuple[str, dict[str, str]] | None:
    """(when, {output: sha256}) from the campaign's approved.json, or None when nothing was approved."""
    path = root / APPROVED
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return str(doc["approved_at"]), {str(k): str(v) for k, v in doc["outputs"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError([Problem(str(path), 0, 0, "", f"cannot be read ({exc})",
                                   "approve the campaign again with artpipe approve")]) from exc


def approval_of(root: Path) -> tuple[str, str] | None:
    """(when in UTC ISO 8601, by whom or "") while the campaign's set stands approved, else None."""
    try:
        doc = json.loads((root / APPROVED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or "outputs" not in doc or "reopened_at" in doc:
        return None
    return str(doc.get("approved_at", "")), str(doc.get("approved_by", ""))


def reopen(root: Path, by: str) -> bool:
    """Withdraw the campaign's approval (a change was asked for after it): ``approved.json`` keeps the approved
    hashes, so re-runs still show what changed since, but says by whom and when it was reopened, and the set is
    no longer approved (``is_approved``). False when nothing was approved or it was reopened already."""
    path = root / APPROVED
    if not is_approved(root):
        return False
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["reopened_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    doc["reopened_by"] = by
    write_text_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return True


def is_approved(root: Path) -> bool:
    """Whether the campaign's set stands approved: approved, and not reopened since."""
    try:
        doc = json.loads((root / APPROVED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "outputs" in doc and "reopened_at" not in doc


def compare(root: Path) -> list[Change] | None:
    """Each output of ``root`` against the approved set (None when nothing was approved); writes a visual
    diff for every changed output into ``changes/`` and removes diffs of earlier runs that no longer apply."""
    record = approved(root)
    if record is None:
        return None
    _, hashes = record
    changes: list[Change] = []
    diffs: set[Path] = set()
    for path in campaign_outputs(root):
        rel = _rel(path, root)
        if rel not in hashes:
            changes.append(Change(rel, "new"))
            continue
        if digest(path) == hashes[rel]:
            changes.append(Change(rel, "unchanged"))
            continue
        target = root / CHANGES / f"{rel}.png"
        old = root / COPIES / f"{hashes[rel]}{path.suffix.lower()}"
        if old.is_file():
            with Image.open(old) as before, Image.open(path) as after:
                write_png(target, diff_image(before, after))
            diffs.add(target)
        changes.append(Change(rel, "changed", _rel(target, root) if old.is_file() else None))
    produced = {c.output for c in changes}
    changes.extend(Change(rel, "gone") for rel in hashes if rel not in produced)
    if (root / CHANGES).is_dir():
        for stale in (root / CHANGES).rglob("*.png"):
            if stale not in diffs:
                remove_output(stale)
    return changes


_PANEL = 360
_INK = (60, 60, 64)


def diff_image(before: Image.Image, after: Image.Image, *, threshold: int = 12) -> Image.Image:
    """Approved | now | what changed (changed pixels red over a faded copy of the new image), side by side."""
    old, new = before.convert("RGB"), after.convert("RGB")
    if old.size == new.size:
        delta = ImageChops.difference(old, new)
        r, g, b = delta.split()
        mask = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v > threshold else 0)
        faded = Image.blend(new, Image.new("RGB", new.size, (255, 255, 255)), 0.7)
        changed = Image.composite(Image.new("RGB", new.size, (228, 57, 60)), faded, mask)
        share = mask.histogram()[255] / (new.width * new.height)
        caption = f"changed: {share:.1%} of pixels"
    else:
        changed = Image.new("RGB", new.size, (255, 255, 255))
        caption = f"size changed: {old.width}x{old.height} -> {new.width}x{new.height}"
    panels = [("approved", old), ("now", new), (caption, changed)]
    font = get_font("sans", "regular", 15)
    gap, label = 16, 28
    thumbs = []
    for text, im in panels:
        small = im.copy()
        small.thumbnail((_PANEL, _PANEL), Image.Resampling.LANCZOS)
        thumbs.append((text, small))
    height = max(t.height for _, t in thumbs)
    sheet = Image.new("RGB", (gap + len(thumbs) * (_PANEL + gap), gap + label + height + gap), (236, 236, 238))
    draw = ImageDraw.Draw(sheet)
    for i, (text, thumb) in enumerate(thumbs):
        x = gap + i * (_PANEL + gap)
        draw.text((x, gap), text, font=font, fill=_INK)
        sheet.paste(thumb, (x + (_PANEL - thumb.width) // 2, gap + label))
    return sheet
