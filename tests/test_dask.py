"""Rendering on a real Dask cluster (two worker processes): the same files, the same report, and a worker
killed mid-batch costs nothing."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from artpipe.api import render_job
from artpipe.cli.commands import main
from artpipe.errors import ConfigError
from artpipe.report.outcome import Outcome
from artpipe.report.results import ProductResult
from artpipe.run.executors import DaskExecutor
from artpipe.run.jobs import Task, load_job, plan
from artpipe.run.tasks import render_product

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")
pytestmark = [pytest.mark.slow,  # a local cluster per module: the everyday run leaves it out
              pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

JOB = Path(__file__).resolve().parent.parent / "samples" / "jobs" / "spring-sale.yaml"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    render_job(load_job(JOB), out, jobs=1)
    return out


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.jpg"))}


def items(out: Path) -> list[tuple[object, ...]]:
    """Report items without what depends on the run (times, memory) or the folder's name."""
    rows = json.loads((out / "report.json").read_text(encoding="utf-8"))["items"]
    return [(i["input"], i["status"], i["reason"], i["message"], [Path(o).relative_to(out).as_posix()
             for o in i["outputs"]], i["warnings"]) for i in rows]


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_a_cluster_renders_the_sample_job_identically(scheduler: str, local: Path, tmp_path: Path,
                                                      ship: bool) -> None:
    out = tmp_path / "out"
    result = render_job(load_job(JOB), out, executor=DaskExecutor(scheduler, ship_bytes=ship))
    assert result.summary["outputs"] == 54
    assert files(out) == files(local)  # byte for byte
    assert items(out) == items(local)


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_an_incremental_run_on_a_cluster_keeps_what_is_up_to_date(scheduler: str, tmp_path: Path, ship: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A job named by relative paths: the cluster's results come back named as the job names them, so the
    cache records them and the next run renders only what changed."""
    import shutil

    shutil.copytree(JOB.parent.parent, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    job = Path("samples/jobs/spring-sale.yaml")
    out, cache = Path("out"), Path("out/.artpipe-cache")

    def run() -> list[Outcome]:
        return render_job(load_job(job), out, cache=cache, executor=DaskExecutor(scheduler, ship_bytes=ship)).outcomes

    first = run()
    assert [o.status for o in first] == ["ok"] * 6
    assert all(o.outputs[0].startswith("out/") for o in first)
    assert all(o.extra.get("cached") for o in run())
    job.write_text(job.read_text(encoding="utf-8").replace("北欧陶瓷马克杯 早春新品", "北欧陶瓷马克杯 夏季新品"),
                   encoding="utf-8")
    again = run()
    assert [bool(o.extra.get("cached")) for o in again] == [False] + [True] * 5
    assert again[0].outputs == first[0].outputs  # the kept outputs and the new ones, in the job's order
    assert again[0].message == f"{len(first[0].outputs)} outputs"
    assert [c.output for c in again[0].checks] == [c.output for c in first[0].checks]


def test_a_window_narrower_than_the_batch_drops_no_product(scheduler: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import artpipe.run.executors

    monkeypatch.setattr(artpipe.run.executors, "IN_FLIGHT_PER_WORKER", 1)  # 2 in flight for 6 products
    result = render_job(load_job(JOB), tmp_path / "out", executor=DaskExecutor(scheduler))
    assert result.summary["outputs"] == 54
    assert len(result.outcomes) == 6


def killed_once(task: Task) -> ProductResult:
    """Kills its worker process the first time it meets the tea photo, then renders normally."""
    marker = task.renders[0].output.parent.parent / "killed-a-worker"
    if task.product.sku == "tea-03" and not marker.exists():
        marker.touch()
        os._exit(1)  # as an out-of-memory kill or a lost machine would
    return render_product(task)


def test_a_worker_killed_mid_batch_has_its_task_run_elsewhere(scheduler: str, local: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    tasks = plan(load_job(JOB), out)
    outcomes = list(DaskExecutor(scheduler).map(tasks, killed_once))
    assert (out / "killed-a-worker").exists()  # a worker did die
    assert sorted(o.status for _, o in outcomes) == ["ok"] * 6
    assert files(out) == files(local)


def test_the_command_line_and_its_mistakes(scheduler: str, tmp_path: Path) -> None:
    ok = CliRunner().invoke(main, ["render", str(JOB), "-o", str(tmp_path / "o"), "--executor", "dask",
                                   "--scheduler", scheduler, "-q"])
    assert ok.exit_code == 0, ok.output
    assert "rendered 54 outputs from 6 of 6 products" in ok.stdout
    missing = CliRunner().invoke(main, ["render", str(JOB), "-o", str(tmp_path / "p"), "--executor", "dask"])
    assert missing.exit_code == 2
    assert "--executor dask needs --scheduler ADDRESS" in missing.output
    with pytest.raises(ConfigError, match="cannot reach a Dask scheduler at tcp://127.0.0.1:1"):
        list(DaskExecutor("tcp://127.0.0.1:1", connect_timeout=2).map(plan(load_job(JOB), tmp_path / "q"),
                                                                     render_product))


@pytest.mark.parametrize("address", ["nonsense", "http://127.0.0.1:8786", "tcp://[::1", "tcp://host"])
def test_malformed_scheduler_addresses_are_usage_errors(tmp_path: Path, address: str) -> None:
    result = CliRunner().invoke(main, ["render", str(JOB), "-o", str(tmp_path / "o"), "--executor", "dask",
                                       "--scheduler", address])
    assert result.exit_code == 2
    assert f"'{address}' is not a scheduler address; write tcp://HOST:PORT" in result.output
    assert "Traceback" not in result.output


def test_a_port_that_is_not_a_scheduler_fails_within_the_timeout(tmp_path: Path) -> None:
    """An HTTP server on the port: the handshake must not wait for ever."""
    import http.server
    import threading
    import time

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(ConfigError, match="cannot reach a Dask scheduler"):
            list(DaskExecutor(f"tcp://127.0.0.1:{server.server_port}", connect_timeout=3).map(
                plan(load_job(JOB), tmp_path / "q"), render_product))
        assert time.monotonic() - started < 30
    finally:
        server.shutdown()
        server.server_close()


def test_the_watched_inbox_hands_its_work_to_the_cluster(scheduler: str, tmp_path: Path) -> None:
    from artpipe.config import init_workspace, load_workspace
    from artpipe.inbox.watch import Watcher
    root = tmp_path / "studio"
    config = init_workspace(root)
    config.write_text(config.read_text().replace("settle_seconds: 1.5", "settle_seconds: 0.2")
                      .replace("sidecar_wait_seconds: 3", "sidecar_wait_seconds: 0"))
    photos = JOB.parent.parent / "photos"
    (root / "inbox" / "acme").mkdir()
    for name in ("mug-sideways.jpg", "bag-cutout.png"):
        (root / "inbox" / "acme" / name).write_bytes((photos / name).read_bytes())
    lines: list[str] = []
    failures = Watcher(load_workspace(root), log=lines.append, executor=DaskExecutor(scheduler)).run(once=True)
    assert failures == 0, lines
    assert sorted(p.name for p in (root / "archive" / "acme").iterdir()) == ["bag-cutout.png", "mug-sideways.jpg"]
    assert len(list((root / "outbox" / "acme").rglob("*.jpg"))) == 4  # product-main, two sizes each
    assert not list((root / "inbox" / "acme").iterdir())


def test_watch_with_an_unreachable_scheduler_touches_nothing(tmp_path: Path) -> None:
    from artpipe.config import init_workspace

    root = tmp_path / "studio"
    init_workspace(root)
    (root / "inbox" / "mug.jpg").write_bytes((JOB.parent.parent / "photos" / "mug-sideways.jpg").read_bytes())
    result = CliRunner().invoke(main, ["watch", "--config", str(root), "--once", "--executor", "dask",
                                       "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "cannot reach a Dask scheduler at tcp://127.0.0.1:1" in result.stderr
    assert (root / "inbox" / "mug.jpg").is_file()
    assert not (root / ".artpipe" / "ledger.db").exists()  # no row left 'processing'
