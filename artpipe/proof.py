"""What people look at to approve: layer boxes over a render, contact sheets, the proof page of a request.

The proof page and sheet read the finished outputs (to show and measure them); they write nothing.
"""

from __future__ import annotations

import html
from pathlib import Path

from PIL import Image, ImageDraw

from artpipe.approval import Change
from artpipe.report import Outcome
from artpipe.results import OutputCheck
from artpipe.template.layout import resolve_box
from artpipe.template.model import Template
from artpipe.text.fonts import get_font

# Guide colours, as layout apps use them (magenta, cyan...): unlike brand colours, they stand out on any art.
_BOX_COLORS = [(255, 0, 200), (0, 170, 255), (110, 210, 0), (255, 120, 0), (150, 70, 255), (0, 200, 170)]
_SHEET_BACKGROUND = (236, 236, 238)
_LABEL_PX = 16


def draw_boxes(image: Image.Image, template: Template, size_name: str) -> Image.Image:
    """A copy of ``image`` with every layer's box outlined and named (hidden layers dashed grey)."""
    out = image.convert("RGBA")
    overlay = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    size = template.size(size_name)
    font = get_font("sans", "regular", max(11, min(size.width, size.height) // 40))
    for i, layer in enumerate(template.layers[size_name]):
        r = resolve_box(layer.box, size.width, size.height)
        color = _BOX_COLORS[i % len(_BOX_COLORS)]
        draw.rectangle((r.x, r.y, r.x + max(r.w - 1, 0), r.y + max(r.h - 1, 0)), outline=(*color, 255), width=2)
        label = f"{layer.name} ({layer.type})"
        tw = int(draw.textlength(label, font=font)) + 8
        th = int(font.size * 1.4)
        ly = r.y if r.y >= th else r.y + max(r.h, 0)
        draw.rectangle((r.x, ly - th if r.y >= th else ly, r.x + tw, ly if r.y >= th else ly + th),
                       fill=(*color, 220))
        draw.text((r.x + 4, (ly - th if r.y >= th else ly) + 2), label, font=font, fill=(255, 255, 255, 255))
    return Image.alpha_composite(out, overlay)


def contact_sheet(items: list[tuple[str, Image.Image]], *, max_width: int = 1600, gap: int = 24) -> Image.Image:
    """The images stacked top to bottom at most ``max_width`` wide, each captioned."""
    font = get_font("sans", "regular", _LABEL_PX)
    scaled = []
    for label, im in items:
        k = min(1.0, (max_width - 2 * gap) / im.width)
        scaled.append((label, im.convert("RGB").resize((max(1, round(im.width * k)), max(1, round(im.height * k))),
                                                       Image.Resampling.LANCZOS) if k < 1 else im.convert("RGB")))
    width = max(im.width for _, im in scaled) + 2 * gap
    caption = int(_LABEL_PX * 1.8)
    height = gap + sum(im.height + caption + gap for _, im in scaled)
    sheet = Image.new("RGB", (width, height), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    y = gap
    for label, im in scaled:
        draw.text((gap, y), label, font=font, fill=(60, 60, 64))
        sheet.paste(im, (gap, y + caption))
        y += im.height + caption + gap
    return sheet


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _checks(outcome: Outcome) -> dict[str, OutputCheck]:
    """The marketplace checks recorded for each output of an outcome."""
    return {c.output: c for c in outcome.checks}


_STYLE = """body{font-family:sans-serif;margin:24px;color:#222}h1{margin:0}.meta{color:#666;margin:4px 0 24px}
section{margin-bottom:32px}figure{display:inline-block;vertical-align:top;margin:0 16px 16px 0;max-width:320px}
img{max-width:320px;max-height:320px;border:1px solid #ddd;background:#f6f6f6}figcaption{font-size:13px}
.pass{background:#1f9d55;color:#fff;padding:1px 6px;border-radius:4px}
.fail{background:#e4393c;color:#fff;padding:1px 6px;border-radius:4px}.warn{color:#a15c00;font-size:13px}
.changed{background:#ffb400;color:#222;padding:1px 6px;border-radius:4px}.same{color:#1f9d55}
figure.missing figcaption::before{content:"image missing";display:block;color:#e4393c;font-weight:bold}
@media print{figure{break-inside:avoid}}"""


_APPROVAL_BADGES = {"changed": ("changed", "CHANGED since approval"), "new": ("changed", "NEW since approval"),
                    "unchanged": ("same", "as approved")}


def _figure(output: str, check: OutputCheck | None, root: Path, change: Change | None) -> str:
    path = Path(output)
    ok = check is None or check.passed
    failing = [f"{r.rule}: {r.measured} (limit {r.limit})" for r in check.failing] if check else []
    with Image.open(path) as im:
        size = f"{im.width}x{im.height}"
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    badge = f'<span class="{"pass" if ok else "fail"}">{"PASS" if ok else "FAIL"}</span>'
    notes = "".join(f"<br>{_esc(f)}" for f in failing)
    if change is not None and change.state in _APPROVAL_BADGES:
        css, text = _APPROVAL_BADGES[change.state]
        label = f'<a href="{_esc(change.diff)}">{text}</a>' if change.diff else text
        notes += f'<br><span class="{css}">{label}</span>'
    return (f'<figure><img src="{_esc(rel)}" alt="{_esc(rel)}" onerror="this.parentNode.classList.add(\'missing\')">'
            f"<figcaption><b>{_esc(check.preset if check else path.parent.name)}</b> · {size} · "
            f"{path.stat().st_size // 1024} KB · {badge}{notes}</figcaption></figure>")


def _approval_summary(changes: list[Change], approved_at: str) -> str:
    counts = {state: [c for c in changes if c.state == state] for state in ("changed", "new", "gone")}
    if not any(counts.values()):
        return f'<p class="meta">approved {_esc(approved_at)}: <span class="same">nothing changed since</span></p>'
    parts = [f"{len(v)} {k}" for k, v in counts.items() if v]
    listed = "".join(f"<li>{_esc(c.state)}: {_esc(c.output)}</li>" for v in counts.values() for c in v)
    return (f'<p class="meta">approved {_esc(approved_at)}: <span class="changed">{", ".join(parts)}'
            f" since approval</span> - send only these:</p><ul>{listed}</ul>")


def proof_html(campaign: str, merchant: str, deadline: str, outcomes: list[Outcome], root: Path,
               changes: list[Change] | None = None, approved_at: str = "") -> str:
    """A self-contained proof page: every output grouped by product and platform, each labelled with its
    preset, size, bytes and a pass/fail badge with the failing rules (and, once the campaign was approved,
    whether it changed since, linked to its visual diff); images are linked relative to ``root``."""
    parts = [f'<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{_esc(campaign)} proof</title>'
             f"<style>{_STYLE}</style></head><body><h1>{_esc(campaign)}</h1>"
             f'<p class="meta">{_esc(merchant)} · deadline {_esc(deadline or "-")}</p>']
    if changes is not None:
        parts.append(_approval_summary(changes, approved_at))
    by_rel = {c.output: c for c in changes or []}
    for outcome in outcomes:
        checks = _checks(outcome)
        parts.append(f"<section><h2>{_esc(outcome.extra.get('sku', outcome.input))}</h2>")
        if outcome.status != "ok":
            parts.append(f'<p class="fail">{_esc(outcome.status)}: {_esc(outcome.message)}</p>')
        by_platform: dict[str, list[str]] = {}
        for output in outcome.outputs:
            platform = checks[output].platform if output in checks else ""
            by_platform.setdefault(platform or Path(output).parent.parent.name, []).append(output)
        for platform, outputs in by_platform.items():
            parts.append(f"<h3>{_esc(platform)}</h3>")
            parts.extend(_figure(o, checks.get(o), root,
                                 by_rel.get(Path(o).resolve().relative_to(root.resolve()).as_posix()))
                         for o in outputs)
        warnings = [w for w in outcome.warnings if not w.startswith("check_failed")]
        if warnings:
            parts.append(f'<p class="warn">warnings: {_esc(", ".join(warnings))}</p>')
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def proof_sheet(outcomes: list[Outcome], *, thumb: int = 260) -> Image.Image:
    """A contact sheet for chat apps: every output as a captioned thumbnail (PASS/FAIL when checked)."""
    tiles: list[tuple[str, Image.Image]] = []
    for outcome in outcomes:
        checks = _checks(outcome)
        for output in outcome.outputs:
            with Image.open(output) as opened:
                small = opened.convert("RGB")
            small.thumbnail((thumb, thumb))
            verdict = "" if output not in checks else (" PASS" if checks[output].passed else " FAIL")
            slot = checks[output].preset if output in checks else Path(output).parent.name
            tiles.append((f"{outcome.extra.get('sku', '')} · {slot}{verdict}", small))
    font = get_font("sans", "regular", 14)
    cols = max(1, min(6, len(tiles)))
    cell_w, cell_h = thumb + 16, thumb + 40
    rows = max(1, (len(tiles) + cols - 1) // cols)
    sheet = Image.new("RGB", (cols * cell_w + 16, rows * cell_h + 16), _SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for i, (label, im) in enumerate(tiles):
        x, y = 16 + (i % cols) * cell_w, 16 + (i // cols) * cell_h
        sheet.paste(im, (x + (thumb - im.width) // 2, y + (thumb - im.height) // 2))
        draw.text((x, y + thumb + 6), label, font=font, fill=(228, 57, 60) if label.endswith("FAIL") else (60, 60, 64))
    return sheet
