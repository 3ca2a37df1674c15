"""A template tried on real products (artpipe/workbench/trial.py): the photos and sheet written as a job, every
problem said at once, a trial's status as its page reads it, and only its own folder and images shown."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from PIL import Image

from artpipe.workbench import trial
from artpipe.workbench.bench import TemplateRef
from artpipe.workbench.trial import (
    STATUS,
    TrialError,
    TrialState,
    Upload,
    finish_trial,
    trial_folder,
    trial_images,
    trial_status,
    write_trial,
)


def photo(name: str, colour: tuple[int, int, int] = (200, 30, 30)) -> Upload:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, "PNG")
    return Upload(name, buf.getvalue())


@pytest.fixture
def ref(tmp_path: Path) -> TemplateRef:
    folder = tmp_path / "ws" / "templates" / "card"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(
        "name: card\nsizes: {s: 60x40, t: 40x40}\nfields:\n  product: {type: image, required: true}\n"
        "  headline: {type: text, example: Hello}\n  badge: {type: text}\nlayers:\n"
        "  - {name: product, type: image, source: $product}\n", encoding="utf-8")
    return TemplateRef("card", folder / "template.yaml", False)


def test_without_a_sheet_each_photo_is_a_product_with_the_templates_examples(tmp_path: Path, ref: TemplateRef) -> None:
    root = tmp_path / "ws"
    written = write_trial(root, ref, [photo("Mug 1.png"), photo("vase.png")], None)
    assert written.products == 2
    assert written.folder.parent == root / "studio" / "template-runs"
    assert trial_folder(root, written.id) == written.folder
    job = yaml.safe_load((written.folder / "job.yaml").read_text(encoding="utf-8"))
    assert [p["sku"] for p in job["products"]] == [Path(p["product"]).stem for p in job["products"]]
    assert {p["headline"] for p in job["products"]} == {"Hello"}
    assert "badge" not in job["products"][0]  # no example: nothing made up
    assert sorted(p.name for p in (written.folder / "photos").iterdir()) == sorted(
        Path(p["product"]).name for p in job["products"])
    assert trial_status(written.folder).state == TrialState.RENDERING


def test_a_sheet_names_each_products_photo_and_fields(tmp_path: Path, ref: TemplateRef) -> None:
    sheet = Upload("products.csv", b"sku,photo,headline,colour\nm-1,mug.png,Mug sale,red\nv-1,vase.png,,blue\n")
    written = write_trial(tmp_path / "ws", ref, [photo("mug.png"), photo("vase.png")], sheet)
    job = yaml.safe_load((written.folder / "job.yaml").read_text(encoding="utf-8"))
    assert job["products"] == [{"sku": "m-1", "product": "photos/mug.png", "headline": "Mug sale"},
                               {"sku": "v-1", "product": "photos/vase.png"}]  # colour is no field of the template


def test_every_problem_is_said_at_once_and_nothing_is_written(tmp_path: Path, ref: TemplateRef) -> None:
    root = tmp_path / "ws"
    with pytest.raises(TrialError) as info:
        write_trial(root, ref, [], None)
    assert info.value.problems == ["upload the product photos (choose many at once)"]
    sheet = Upload("p.csv", b"sku,photo\na,missing.png\n")
    with pytest.raises(TrialError) as info:
        write_trial(root, ref, [photo("a.png"), photo("a.png")], sheet)
    assert info.value.problems == ["a.png: two photos of this name; rename one",
                                   "p.csv row 2: no uploaded photo 'missing.png'; upload it with the others"]
    with pytest.raises(TrialError) as info:
        write_trial(root, ref, [Upload("broken.jpg", b"\xff\xd8\xff not a photo"), photo("ok.png")], None)
    [problem] = info.value.problems
    assert problem.startswith("broken.jpg: ")
    assert [p for p in (root / "studio" / "template-runs").rglob("*") if p.is_file()] == []  # the good photo too


def test_a_finished_trial_records_its_numbers_and_shows_its_images(tmp_path: Path, ref: TemplateRef) -> None:
    written = write_trial(tmp_path / "ws", ref, [photo("mug.png")], None)
    status = finish_trial(written, jobs=1)
    assert (status.state, status.products, status.ok, status.outputs, status.failed) == (TrialState.DONE, 1, 1, 2, 0)
    assert trial_status(written.folder) == status
    assert trial_images(written.folder) == ["mug/s.jpg", "mug/t.jpg"]


def test_a_trial_whose_template_went_away_fails_with_one_line(tmp_path: Path, ref: TemplateRef) -> None:
    written = write_trial(tmp_path / "ws", ref, [photo("mug.png")], None)
    ref.file.unlink()
    status = finish_trial(written, jobs=1)
    assert status.state == TrialState.FAILED
    assert status.error
    assert "\n" not in status.error
    assert trial_status(written.folder).error == status.error


def test_a_status_left_by_another_process_or_unreadable_is_said(tmp_path: Path, ref: TemplateRef,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    written = write_trial(tmp_path / "ws", ref, [photo("mug.png")], None)
    monkeypatch.setattr(trial, "_PROCESS", "another-studio")
    assert trial_status(written.folder).error.startswith("the studio stopped while this trial rendered")
    (written.folder / STATUS).write_text(json.dumps({"state": "done"}), encoding="utf-8")
    assert trial_status(written.folder).error == "its status.json cannot be read (KeyError)"


@pytest.mark.parametrize("run_id", ["../../etc", "card", "CARD-20260101-000000-abcdef", "card-20260101-000000-abcdeg"])
def test_a_run_id_of_another_shape_or_without_a_job_is_no_trial(tmp_path: Path, run_id: str) -> None:
    assert trial_folder(tmp_path, run_id) is None
    assert trial_folder(tmp_path, "card-20260101-000000-abcdef") is None  # the right shape, but nothing written
