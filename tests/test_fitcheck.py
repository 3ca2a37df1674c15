"""A job's texts test-fitted before rendering (artpipe/run/fitcheck.py): what fails, what is cut, each text
fitted once per set of values it reads, and the notes' words."""

from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.run import fitcheck
from artpipe.run.fitcheck import FitNote, fit_texts
from artpipe.run.jobs import load_job

TEMPLATE = """\
name: card
sizes: {wide: 400x100, small: 120x60}
fields: {headline: {type: text}, badge: {type: text, default: NEW}}
layers:
  - {name: headline, type: text, text: $headline, font: {size: 40, min_size: 30},
     box: {left: 0, top: 0, width: 100%, height: 60%}}
  - {name: badge, type: shape, text: $badge, overflow: ellipsis, font: {size: 20, min_size: 20},
     box: {right: 0, bottom: 0, width: 80, height: 30}}
"""


def job(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    (tmp_path / "card.yaml").write_text(TEMPLATE, encoding="utf-8")
    lines = "".join(f"  - {{sku: {sku}, headline: '{headline}', badge: '{badge}'}}\n" for sku, headline, badge in rows)
    path = tmp_path / "job.yaml"
    path.write_text(f"templates: [card.yaml]\nproducts:\n{lines}", encoding="utf-8")
    return path


def test_a_text_that_cannot_fit_fails_and_one_cut_with_an_ellipsis_is_a_warning(tmp_path: Path) -> None:
    notes = fit_texts(load_job(job(tmp_path, [("a", "Sale", "NEW"), ("b", "Everything must go this weekend", "NEW"),
                                              ("c", "Sale", "Free shipping on every order")])))
    said = sorted((n.product, n.size, n.layer, n.kind) for n in notes)
    assert said == [("b", "small", "headline", "fails"), ("b", "wide", "headline", "fails"),
                    ("c", "small", "badge", "truncated"), ("c", "wide", "badge", "truncated")]
    fails = next(n for n in notes if n.kind == "fails" and n.size == "small")
    assert "layer headline at size small: text does not fit" in fails.message
    assert str(fails).startswith(f"{fails.origin}: b: card: ")  # the renderer's message names layer and size
    cut = next(n for n in notes if n.kind == "truncated")
    assert str(cut) == f"warning: {cut.origin}: c: card: layer badge at size {cut.size}: cut with an ellipsis"
    assert cut.origin.endswith("job.yaml:5")  # the product's line


def test_a_layer_is_fitted_once_per_set_of_the_values_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = fitcheck._verdict

    def counted(layer: object, size: object, scene: object) -> tuple[str, str] | None:
        calls.append(getattr(layer, "name", ""))
        return real(layer, size, scene)  # type: ignore[arg-type]
    monkeypatch.setattr(fitcheck, "_verdict", counted)
    rows = [(f"s{i}", "Sale" if i % 2 else "New", "NEW") for i in range(10)]
    assert fit_texts(load_job(job(tmp_path, rows))) == []
    assert calls.count("headline") == 2 * 2  # two headlines in two sizes
    assert calls.count("badge") == 2  # one badge in two sizes


def test_progress_is_said_every_thousand_products(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fitcheck, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    fit_texts(load_job(job(tmp_path, [(f"s{i}", "Sale", "NEW") for i in range(5)])), lambda d, t: seen.append((d, t)))
    assert seen == [(2, 5), (4, 5)]
    assert FitNote("o", "p", "t", "s", "l", "fails", "m").kind == "fails"
