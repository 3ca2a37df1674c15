"""A PSD or PSB imported into a template folder: the template, its art and its import report written through
``artpipe.files`` (the rest of ``artpipe.psdimport`` only reads)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from artpipe.errors import ConfigError, Problem
from artpipe.files import write_png, write_text_atomic
from artpipe.layers.template import load_template
from artpipe.psdimport.dump import template_yaml


@dataclass(frozen=True)
class PsdImport:
    """A template folder made from a Photoshop file, and its import report (as written beside it)."""

    folder: Path
    template: Path
    report_file: Path
    report: dict[str, Any]


REPORT_NAME = "import-report.json"


def import_psd(psd: Path, dest: Path) -> PsdImport:
    """Make the template folder ``dest`` from a layered PSD or PSB (artboards become sizes; see docs/psd.md);
    never overwrites: ``dest`` must be new, or hold only font files the text layers may use."""
    # psd_tools is loaded here, not when the API is: a process that renders never needs it
    from artpipe.psdimport.build import build_template

    if dest.exists() and (not dest.is_dir() or any(not fonts_only(p) for p in dest.iterdir())):
        raise ConfigError([Problem(str(dest), 0, 0, "", "already exists",
                                   "give a new folder (it may hold only the design's font files); an import "
                                   "never overwrites")])
    folder_fonts = tuple(sorted(p.name for p in dest.iterdir() if fonts_only(p))) if dest.is_dir() else ()
    imported = build_template(psd, folder_fonts)
    for rel, picture in imported.pictures.items():
        write_png(dest / rel, picture)
    target = dest / "template.yaml"
    write_text_atomic(target, template_yaml(imported.template, psd.name))
    report = imported.report()
    write_text_atomic(dest / REPORT_NAME, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    load_template(target)  # what was written loads as any template does (a ConfigError here is a bug)
    return PsdImport(dest, target, dest / REPORT_NAME, report)


def fonts_only(path: Path) -> bool:
    """A font file a designer put in the folder before importing (matched to the PSD's text layers)."""
    return path.is_file() and path.suffix.lower() in (".ttf", ".otf")
