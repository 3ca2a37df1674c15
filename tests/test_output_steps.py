"""A product's outputs step by step (render, fit the byte budget, write, check), each step alone, and the
typed results they make, as the report writes and reads them back."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from artpipe.imaging.budget import BudgetError
from artpipe.imaging.encode import EncodeOptions
from artpipe.presets import load_presets
from artpipe.report.outcome import Outcome, product_item
from artpipe.report.results import Encoded, OutputCheck, Status
from artpipe.run.jobs import Task, load_job, plan
from artpipe.run.render import Rendered
from artpipe.run.tasks import (
    OUTPUT,
    Output,
    _load_images,
    check_file,
    check_output,
    fit_budget,
    fit_within_budget,
    make_output,
    render_canvas,
    render_outputs,
    render_product,
    write_file,
)

from conftest import product_photo


def rendered(image: Image.Image, upscale: float = 1.0) -> Rendered:
    return Rendered(image, (), upscale)


def task(tmp_path: Path, extra: str = "", presets: str = "tmall.white_bg") -> Task:
    product_photo().save(tmp_path / "p.jpg", quality=92)
    (tmp_path / "job.yaml").write_text(f"templates:\n  - template: product-main\n    presets: [{presets}]\n"
                                       f"products:\n  - {{sku: x, product: p.jpg}}\n{extra}", encoding="utf-8")
    return plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")[0]


def test_fit_budget_lands_inside_a_cap_or_says_why() -> None:
    photo = product_photo().convert("RGB").resize((600, 600))
    full = fit_budget(rendered(photo), EncodeOptions(quality=95, min_side=600), None)
    cap = len(full.data) * 3 // 4
    landed = fit_budget(rendered(photo), EncodeOptions(quality=95, max_bytes=cap, min_side=600), None)
    assert len(landed.data) <= cap
    assert landed.quality < 95
    assert landed.size == (600, 600)
    with pytest.raises(BudgetError, match="over the 500 cap"):
        fit_budget(rendered(photo), EncodeOptions(quality=95, max_bytes=500, min_side=600), None)


def test_check_output_judges_the_bytes_and_what_rendering_knows(tmp_path: Path) -> None:
    preset = load_presets()[0]["tmall.white_bg"]
    white = Image.new("RGB", (800, 800), "white")
    white.paste((200, 30, 30), (200, 150, 600, 650))
    buf = io.BytesIO()
    white.save(buf, "JPEG", quality=95)
    sharp = check_output(buf.getvalue(), rendered(white), preset, None, "tmall")
    assert (sharp.preset, sharp.platform) == ("tmall.white_bg", "tmall")
    assert {r.rule for r in sharp.results} >= {"white_background", "low_resolution", "whole_product"}
    soft = check_output(buf.getvalue(), rendered(white, upscale=4.0), preset, _cut_photo("bottom"), "")
    assert {r.rule for r in soft.failing} >= {"low_resolution", "whole_product"}
    assert not soft.passed


def test_render_output_writes_checks_and_stops_at_a_failed_step(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    t = task(tmp_path)
    images, _, _ = _load_images(t)
    spec = next(s for s in t.renders if s.preset is not None)
    [done] = render_outputs(t, [spec], images, None)
    assert done.failure is None
    assert done.path == spec.output
    assert spec.output.is_file()
    assert done.check is not None
    assert done.check.preset == "tmall.white_bg"
    assert done.encoded is not None  # Tmall has a byte rule
    assert done.encoded.bytes == spec.output.stat().st_size
    spec.output.unlink()

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("artpipe.run.tasks.write_atomic", refuse)
    [failed] = render_outputs(t, [spec], images, None)
    assert failed.failure is not None
    assert failed.failure.reason == "write"
    assert failed.failure.path == spec.output  # named by the report, not written into the message
    assert str(spec.output) not in failed.failure.message
    assert "cannot write (No space left on device)" in failed.failure.message
    assert (failed.check, failed.encoded) == (None, None)
    assert not spec.output.exists()


def test_the_worker_returns_paths_and_only_the_report_shows_them(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    t = task(tmp_path, presets="tmall.white_bg, jd.main")
    result = render_product(t)
    assert result.status == Status.OK
    assert [o.path for o in result.outputs] == [s.output for s in t.renders]
    assert result.input == t.product.primary
    item = product_item(result, show=lambda p: f"<{p.name}>")
    assert item.input == f"<{t.product.primary.name}>"
    assert list(item.outputs) == [f"<{s.output.name}>" for s in t.renders]
    assert {c.output for c in item.checks} <= set(item.outputs)
    assert item.message == f"{len(t.renders)} outputs"
    assert item.extra["sku"] == t.product.sku

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("artpipe.run.tasks.write_atomic", refuse)
    failed = product_item(render_product(t), show=lambda p: f"<{p.name}>")
    assert (failed.status, failed.reason, failed.outputs) == ("failed", "write", ())
    first = t.renders[0].output.name
    assert failed.message.startswith(f"<{first}>: cannot write (No space left on device)")
    assert failed.message.endswith(f"(+{len(t.renders) - 1} more)")
    assert len(failed.errors) == len(t.renders)


def test_a_report_item_reads_back_as_the_same_typed_outcome(tmp_path: Path) -> None:
    outcome = product_item(render_product(task(tmp_path)))
    assert outcome.status == "ok"
    assert all(isinstance(c, OutputCheck) for c in outcome.checks)
    assert all(isinstance(e, Encoded) for e in outcome.encoded)
    item = json.loads(json.dumps(outcome.to_json()))
    assert item["checks"][0]["pass"] == outcome.checks[0].passed
    assert {"input", "status", "reason", "message", "outputs", "warnings"} <= set(item)
    back = Outcome.from_json(item)
    assert back.to_json() == item
    assert back.checks == outcome.checks
    assert back.encoded == outcome.encoded


def _cut_photo(side: str) -> object:
    """A product photo whose review found the product cut by the frame at ``side``."""
    from artpipe.imaging.normalize import Asset
    from artpipe.imaging.review import Review

    photo = Image.new("RGB", (10, 10))
    return Asset(photo, "p.jpg", "JPEG", (10, 10), (0, 0, 10, 10), None, isolation="model", review=Review(cut=(side,)))


def test_the_canvas_is_let_go_once_its_last_format_is_encoded(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    import artpipe.run.tasks as tasks

    t = task(tmp_path, extra="format: [jpeg, png]\n", presets="")  # one canvas written in two formats
    images, _, _ = _load_images(t)
    specs = [s for s in t.renders if s.drawing == t.renders[0].drawing]
    assert len(specs) == 2
    canvases: list[weakref.ref[Image.Image]] = []
    alive_at_writes: list[bool] = []
    sizes: list[tuple[int, int]] = []
    draw, write = tasks._render_output, tasks.write_file

    def drawn(*args: object, **kwargs: object) -> Rendered:
        out = draw(*args, **kwargs)  # type: ignore[arg-type]
        canvases.append(weakref.ref(out.image))
        sizes.append(out.image.size)
        return out

    def written(out: Output) -> Output:
        gc.collect()
        alive_at_writes.append(canvases[0]() is not None)
        assert out.canvas.image.size == (0, 0)  # this output's own hold on the pixels is gone once encoded
        return write(out)

    monkeypatch.setattr(tasks, "_render_output", drawn)
    monkeypatch.setattr(tasks, "write_file", written)
    monkeypatch.setattr(tasks, "OUTPUT", (tasks.render_canvas, tasks.fit_within_budget, written, tasks.check_file))
    results = render_outputs(t, specs, images, None)
    assert len(canvases) == 1  # drawn once for both formats
    assert alive_at_writes == [True, False]  # kept for the second format, let go once that one is encoded
    for spec, result in zip(specs, results, strict=True):
        assert result.failure is None
        with Image.open(spec.output) as im:
            assert im.size == sizes[0]  # the file is the whole canvas


def test_the_order_of_an_outputs_steps_is_pinned() -> None:
    assert OUTPUT == (render_canvas, fit_within_budget, write_file, check_file)


def test_a_failed_step_ends_the_output_and_the_later_steps_do_not_run(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    t = task(tmp_path)
    images, _, _ = _load_images(t)
    spec = next(s for s in t.renders if s.preset is not None)
    drawn = render_canvas(Output(t, spec, images, None))
    assert drawn.rendered is not None
    assert drawn.failure is None
    assert render_canvas(drawn) is drawn  # rendered already: the outputs alike in what they draw share it
    tiny = replace(spec, preset=replace(spec.preset, rules=tuple(
        replace(r, params={"max": 300}) if r.kind == "bytes" else r for r in spec.preset.rules)))
    written: list[object] = []
    monkeypatch.setattr("artpipe.run.tasks.write_atomic", lambda *a: written.append(a))
    over = make_output(replace(drawn, spec=tiny))
    assert over.failure is not None
    assert over.failure.reason == "budget"
    assert (over.landed, over.check, written) == (None, None, [])  # neither written nor checked
    done = make_output(drawn)
    assert [w[0] for w in written] == [spec.output]  # type: ignore[index]
    assert done.check is not None
    assert done.check.preset == spec.preset.name
    plain = replace(drawn, spec=replace(spec, preset=None), landed=done.landed)
    assert check_file(plain) is plain  # no preset: nothing to check
