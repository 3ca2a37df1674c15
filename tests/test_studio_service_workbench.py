"""The Templates page's rules without the web layer (artpipe/studio/service/workbench.py): what a save answers
and writes, which sample a check draws, what a trial run says."""

from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.api import bench as wb
from artpipe.api import init_workspace, trial
from artpipe.studio.service import workbench as service
from artpipe.template.find import bundled_templates

BANNER = bundled_templates()["promo-banner"].read_text(encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh workspace with no templates of its own."""
    return init_workspace(tmp_path / "studio").parent  # the workspace's artpipe.yaml is in its root


def test_a_save_writes_the_copy_and_answers_with_its_check(root: Path) -> None:
    bundled = wb.find_ref(root, "bundled:promo-banner")
    done = service.save_text(root, bundled, BANNER, "spring", service.Choice(product="tall"))
    assert (done.saved, done.ref.key) == ("ws:spring", "ws:spring")
    assert done.message == "Saved templates/spring/template.yaml."
    assert done.checked.problems == ()
    assert [s.name for s in done.checked.sizes] == ["wide", "mobile", "square"]
    assert (root / "templates" / "spring" / "template.yaml").read_text(encoding="utf-8") == BANNER


def test_a_save_that_cannot_be_done_writes_nothing_and_says_why(root: Path) -> None:
    bundled = wb.find_ref(root, "bundled:promo-banner")
    broken = service.save_text(root, bundled, BANNER.replace("max_lines: 2", "max_lines: x"), "spring",
                               service.Choice())
    assert (broken.saved, broken.ref) == ("", bundled)
    assert broken.message == "Not saved: 2 problem(s); fix them and save again."
    assert len(broken.checked.problems) == 2
    escape = service.save_text(root, bundled, BANNER, "../escape", service.Choice())
    assert escape.saved == ""
    assert escape.message.startswith("Not saved: '../escape' cannot name a template")
    assert not (root / "templates").exists() or not any((root / "templates").iterdir())


def test_the_sample_follows_the_choice_and_a_broken_text_still_gets_one(root: Path) -> None:
    ref = wb.find_ref(root, "bundled:promo-banner")
    assert service.field_names(ref, BANNER) == ", ".join(n for n in wb.load_text(ref, BANNER, "").fields
                                                         if n != "product")
    assert service.field_names(ref, "layers: [") == "the template's fields"
    arabic = service.sample_of(root, ref, BANNER, service.Choice("tall", "arabic", "ar" * 30))
    assert arabic == service.sample_of(root, ref, BANNER, service.Choice("tall", "arabic", ("ar" * 30)[:20]))
    assert service.sample_of(root, ref, "layers: [", service.Choice()) is not None


def test_a_trial_says_where_it_is_and_what_it_rendered() -> None:
    rendering = trial.TrialStatus(trial.TrialState.RENDERING)
    assert service.trial_note(rendering) == ("Rendering every size of every product; this page shows the images "
                                             "as they come.")
    failed = trial.TrialStatus(trial.TrialState.FAILED, error="the sheet has no sku column")
    assert service.trial_note(failed) == "Not rendered: the sheet has no sku column"
    done = trial.TrialStatus(trial.TrialState.DONE, products=3, ok=2, outputs=12, seconds=4.25)
    assert service.trial_note(done) == "Rendered 12 images from 2 of 3 products in 4.2 s; 1 failed (see report.json)."
    whole = trial.TrialStatus(trial.TrialState.DONE, products=2, ok=2, outputs=12, seconds=4.25)
    assert service.trial_note(whole).endswith("products in 4.2 s.")
