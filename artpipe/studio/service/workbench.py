"""The Templates page's rules, with no web code: which sample a check draws, what a save answers, what a trial
says of itself. The page's handlers (``studio/workbench_routes.py``) parse the form, call these in a thread and
answer; the work itself is ``artpipe.workbench`` (through ``artpipe.api``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from artpipe.api import bench as wb
from artpipe.api import samples, trial
from artpipe.errors import ConfigError


@dataclass(frozen=True)
class Choice:
    """What the operator chose to draw a check with: a sample product, a field set and a language."""

    product: str = ""
    fields: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Saved:
    """A save's answer: the template now shown (the saved one, or the one asked for when nothing was saved),
    its check, and the words for the page."""

    ref: wb.TemplateRef
    checked: wb.Checked
    saved: str  # the saved template's key ("" when nothing was saved)
    message: str


def field_names(ref: wb.TemplateRef, text: str) -> str:
    """The fields the template's text declares (but the product photo), for the page's note on samples."""
    try:
        return ", ".join(n for n in wb.load_text(ref, text, "").fields if n != "product")
    except ConfigError:
        return "the template's fields"


def sample_of(root: Path, ref: wb.TemplateRef, text: str, choice: Choice) -> samples.Sample:
    """The sample drawn for ``text``: the chosen product, field set and language, over the fields it declares
    (none when the text does not load: the check then says why)."""
    try:
        fields: Mapping[str, Any] = wb.load_text(ref, text, wb.display_name(root, ref)).fields
    except ConfigError:
        fields = {}
    return samples.sample_for(fields, choice.product, choice.fields, choice.lang[:20])


def check_text(root: Path, ref: wb.TemplateRef, text: str, choice: Choice) -> wb.Checked:
    """``text`` checked as ``ref`` and drawn at every size with the chosen sample."""
    return wb.check(ref, text, wb.display_name(root, ref), sample_of(root, ref, text, choice))


def save_text(root: Path, ref: wb.TemplateRef, text: str, name: str | None, choice: Choice) -> Saved:
    """Save ``text`` as ``ref`` (or as a new template ``name``) and check what was saved; a text with problems
    or a name that cannot be used is not saved, and the answer says why."""
    try:
        saved = wb.save(root, ref, text, wb.display_name(root, ref), name)
    except ConfigError as exc:
        return Saved(ref, wb.Checked(exc.problems), "",
                     f"Not saved: {len(exc.problems)} problem(s); fix them and save again.")
    except wb.WorkbenchError as exc:
        return Saved(ref, wb.Checked(()), "", f"Not saved: {exc}")
    return Saved(saved, check_text(root, saved, text, choice), saved.key,
                 f"Saved {wb.display_name(root, saved)}.")


def trial_note(status: trial.TrialStatus) -> str:
    """A trial's state in words, for its page."""
    if status.state == trial.TrialState.RENDERING:
        return "Rendering every size of every product; this page shows the images as they come."
    if status.state == trial.TrialState.FAILED:
        return f"Not rendered: {status.error}"
    return (f"Rendered {status.outputs} images from {status.ok} of {status.products} products in "
            f"{status.seconds:.1f} s" + (f"; {status.failed} failed (see report.json)." if status.failed else "."))
