"""Where render tasks run (artpipe/run/executors.py): the local pool, and the two ways a task reaches a cluster
worker (shared storage at the client's absolute paths, or shipped with its files). The runs on a real Dask
cluster are in test_dask.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from artpipe.report.outcome import product_item
from artpipe.report.results import OutputResult, ProductResult, Status
from artpipe.run.executors import LocalExecutor, absolute, as_named, pack, run_shipped, ship, unpack
from artpipe.run.jobs import Task, load_job, plan
from artpipe.run.tasks import render_product

JOB = Path(__file__).resolve().parent.parent / "samples" / "jobs" / "spring-sale.yaml"


def small_job(root: Path) -> Path:
    """A template with a logo of its own, and two products whose photos are named relative to the job."""
    (root / "tpl").mkdir(parents=True)
    Image.new("RGBA", (10, 10), (0, 0, 255, 255)).save(root / "tpl" / "logo.png")
    (root / "tpl" / "template.yaml").write_text(
        "name: tpl\nsizes: {s: 60x40}\nfields: {product: {type: image, required: true}}\nlayers:\n"
        "  - {name: product, type: image, source: $product}\n"
        "  - {name: logo, type: image, role: logo, source: logo.png, box: {left: 0, top: 0, width: 10, height: 10}}\n",
        encoding="utf-8")
    (root / "photos").mkdir()
    for sku in ("a", "b"):
        Image.new("RGB", (30, 20), (200, 30, 30)).save(root / "photos" / f"{sku}.png")
    (root / "job.yaml").write_text("templates: [tpl]\nproducts:\n  - {sku: a, product: photos/a.png}\n"
                                   "  - {sku: b, product: photos/b.png}\n", encoding="utf-8")
    return root / "job.yaml"


def tasks_from(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[Task]:
    small_job(root)
    monkeypatch.chdir(root)
    return list(plan(load_job(Path("job.yaml")), Path("out")))


def named(task: Task) -> ProductResult:
    """A stand-in worker: says the task was rendered, writing nothing."""
    return ProductResult(task.product.primary, task.product.sku, Status.OK,
                         outputs=tuple(OutputResult(s.output) for s in task.renders))


def test_the_local_executor_yields_every_task_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = tasks_from(tmp_path, monkeypatch)
    done = list(LocalExecutor(jobs=1).map(tasks, named))
    assert [(t.product.sku, r.sku, r.status) for t, r in done] == [("a", "a", Status.OK), ("b", "b", Status.OK)]
    guarded = list(LocalExecutor(jobs=1, timeout=30).map(tasks, named))
    assert [r.sku for _, r in guarded] == ["a", "b"]


def test_a_task_sent_to_shared_storage_names_the_clients_absolute_paths_and_comes_back_as_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    task = tasks_from(tmp_path, monkeypatch)[0]
    sent = absolute(task)
    assert not task.renders[0].output.is_absolute()
    assert sent.renders[0].output == (tmp_path / task.renders[0].output).resolve()
    assert sent.product.images["product"] == (tmp_path / "photos" / "a.png").resolve()
    assert sent.product.primary == (tmp_path / "photos" / "a.png").resolve()
    back = as_named(task, named(sent))
    assert back.outputs[0].path == task.renders[0].output  # relative again, as a local run has it
    assert back.input == task.product.primary == Path("photos/a.png")


def test_a_shipment_carries_every_file_the_task_reads_and_skips_what_is_missing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = tasks_from(tmp_path, monkeypatch)
    shipped, shipment = ship(replace(tasks[0], assets=tmp_path / "cache"))
    assert shipped.assets is None  # the client's photo cache is not the worker's
    photo, logo = (tmp_path / "photos" / "a.png").resolve(), (tmp_path / "tpl" / "logo.png").resolve()
    assert set(shipment.files) == {str(photo), str(logo)}
    assert shipment.files[str(logo)] == logo.read_bytes()
    photo.unlink()
    assert set(pack(shipped).files) == {str(logo)}  # the worker reports the missing photo as a local run does


def test_a_shipped_task_renders_on_the_worker_and_its_files_are_written_by_the_client(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    task = tasks_from(tmp_path / "client", monkeypatch)[0]
    shipped = ship(task)
    monkeypatch.chdir(tmp_path)  # the worker's folder is another
    result, data = run_shipped(render_product, *shipped)
    assert result.status == Status.OK
    out = (tmp_path / "client" / task.renders[0].output).resolve()
    assert list(data) == [str(out)]
    assert not out.exists()  # nothing written by the worker where the client's outputs go
    assert unpack((result, data)) is result
    with Image.open(out) as written:
        assert written.size == (60, 40)


@pytest.mark.slow  # renders a product of the sample job
def test_shipped_paths_are_the_clients_whatever_the_workers_folder(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A job named by relative paths, shipped to a worker whose working folder is another: the worker finds
    every input and the outputs come back under the client's folder (resolved on the client, not the worker)."""
    import shutil


    client, worker = tmp_path / "client", tmp_path / "worker"
    worker.mkdir()
    shutil.copytree(JOB.parent.parent, client / "samples")
    monkeypatch.chdir(client)
    job = load_job(Path("samples/jobs/spring-sale.yaml"))
    task = plan(job, Path("out"))[0]
    assert not task.renders[0].output.is_absolute()
    shipped, shipment = ship(task)
    monkeypatch.chdir(worker)  # the worker's own folder
    result, data = run_shipped(render_product, shipped, shipment)
    assert result.status == "ok", product_item(result).message
    assert len(data) == len(task.renders)
    for name in data:
        assert Path(name).is_relative_to(client / "out"), name
    assert not (worker / "out").exists()


@pytest.mark.slow  # renders a product of the sample job
def test_a_shipped_problem_names_the_clients_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker reads shipped copies in a temporary folder, but every path in its result, and every message the
    report makes from it, names the client's file."""
    import shutil

    from artpipe.paths import display

    client = tmp_path / "client"
    shutil.copytree(JOB.parent.parent, client / "samples")
    monkeypatch.chdir(client)
    tasks = plan(load_job(Path("samples/jobs/spring-sale.yaml")), Path("out"))
    photo = tasks[0].product.primary
    assert photo is not None
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")  # broken after planning
    result, data = run_shipped(render_product, *ship(tasks[0]))
    assert (result.status, data) == ("rejected", {})
    assert result.input == photo.resolve()
    item = product_item(result)
    assert item.input == display(photo) == "samples/photos/mug-sideways.jpg"  # as a local run shows it
    assert "artpipe-" not in json.dumps(item.to_json())
