from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest
from clicase import good_and_broken, run
from click.testing import CliRunner
from click.testing import Result as CliResult

from artpipe.cli.common import EXIT_CONFIG, executor_from, fail_config, progress_line, with_progress
from artpipe.errors import ConfigError, Problem
from artpipe.reasons import Reason
from artpipe.report.outcome import problem_line
from artpipe.report.results import Failure, ItemResult, ProductResult, Status
from artpipe.run.executors import DaskExecutor


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return good_and_broken(tmp_path)


def test_progress_is_plain_lines_off_a_terminal_and_quiet_silences_it(workdir: Path) -> None:
    _, _, err = run("render", str(workdir / "job.yaml"), "-o", str(workdir / "out"), "-j", "1")
    assert "rendering: 2/2 (100%), " in err  # a CI log gets the count, the rate and the time left
    assert ", ETA 0m00s" in err
    _, _, quiet = run("render", str(workdir / "job.yaml"), "-o", str(workdir / "out2"), "-j", "1", "-q")
    assert "rendering:" not in quiet


@pytest.mark.parametrize(("args", "env", "expected"), [
    (("local", None, False), None, None),
    (("dask", "tcp://10.0.0.5:8786", False), None, DaskExecutor("tcp://10.0.0.5:8786")),
    (("dask", "tls://[::1]:8786", True), None, DaskExecutor("tls://[::1]:8786", ship_bytes=True)),
    (("dask", None, False), "tcp://sched:8786", DaskExecutor("tcp://sched:8786")),  # from $ARTPIPE_SCHEDULER
    (("local", None, False), "tcp://sched:8786", None),  # ignored for a local run
])
def test_the_executor_options_pick_the_cluster(args: tuple[str, str | None, bool], env: str | None,
                                               expected: DaskExecutor | None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    if env is None:
        monkeypatch.delenv("ARTPIPE_SCHEDULER", raising=False)
    else:
        monkeypatch.setenv("ARTPIPE_SCHEDULER", env)
    assert executor_from(*args) == expected


@pytest.mark.parametrize(("args", "said"), [
    (("dask", None, False), "--executor dask needs --scheduler ADDRESS (tcp://host:8786)"),
    (("local", "tcp://10.0.0.5:8786", False), "--scheduler and --ship-bytes go with --executor dask"),
    (("local", None, True), "--scheduler and --ship-bytes go with --executor dask"),
    (("dask", "http://10.0.0.5:8786", False),
     "'http://10.0.0.5:8786' is not a scheduler address; write tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)"),
    (("dask", "tcp://10.0.0.5", False),
     "'tcp://10.0.0.5' is not a scheduler address; write tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786)"),
])
def test_executor_options_that_do_not_go_together_are_a_usage_error(args: tuple[str, str | None, bool], said: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARTPIPE_SCHEDULER", raising=False)
    with pytest.raises(click.UsageError) as refused:
        executor_from(*args)
    assert refused.value.message == said
    assert refused.value.exit_code == EXIT_CONFIG


@pytest.mark.parametrize(("done", "total", "seconds", "line"), [
    (120, 500, 40.0, "rendering: 120/500 (24%), 3.0/s, ETA 2m06s"),
    (500, 500, 10.0, "rendering: 500/500 (100%), 50.0/s, ETA 0m00s"),
    (1, 10, 4.0, "rendering: 1/10 (10%), 0.2/s, ETA 0m36s"),  # slower than one a second
    (0, 10, 0.0, "rendering: 0/10 (0%), 0.0/s, ETA 0m00s"),  # nothing done yet: no rate, no guess
    (0, 0, 1.0, "rendering: 0/0 (0%), 0.0/s, ETA 0m00s"),
])
def test_a_progress_line_says_the_count_the_rate_and_the_time_left(done: int, total: int, seconds: float,
                                                                   line: str) -> None:
    assert progress_line("rendering", done, total, seconds) == line


def _configuration_problems(n: int) -> CliResult:
    problems = [Problem("job.yaml", i + 1, 3, "products[0]", "unknown key", "did you mean sku?") for i in range(n)]

    @click.command()
    def broken() -> None:
        fail_config(ConfigError(problems), "nothing was listed")

    return CliRunner().invoke(broken, [])


def test_configuration_problems_are_printed_one_a_line_then_exit_2() -> None:
    two = _configuration_problems(2)
    assert two.exit_code == EXIT_CONFIG == 2
    assert two.stderr == ("job.yaml:1:3: products[0]: unknown key (did you mean sku?)\n"
                          "job.yaml:2:3: products[0]: unknown key (did you mean sku?)\n"
                          "error: 2 problems; nothing was listed\n")
    assert _configuration_problems(1).stderr.endswith("\nerror: 1 problem; nothing was listed\n")


def test_progress_prints_each_problem_as_it_happens_and_counts_without_a_total(capsys: pytest.CaptureFixture[str]
                                                                               ) -> None:
    lost = ProductResult(Path("photos/a.jpg"), "a", Status.FAILED, Failure(Reason.TRUNCATED, "the file is cut short"))
    made = ProductResult(Path("photos/b.jpg"), "b", Status.OK)

    def run_two(step: Callable[[ItemResult], None]) -> str:
        step(lost)
        step(made)
        return "finished"

    assert with_progress(None, "watching", False, run_two) == "finished"
    err = capsys.readouterr().err.splitlines()
    assert err[0] == problem_line(lost) == "failed: photos/a.jpg: the file is cut short"
    assert len(err) == 1  # no total: no line before PROGRESS_LINE_SECONDS have passed
    assert with_progress(2, "rendering", True, run_two) == "finished"
    assert capsys.readouterr().err == f"{problem_line(lost)}\n"  # quiet: problems only, no progress


def test_a_configuration_error_while_running_stops_the_command_with_exit_2() -> None:
    def broken(step: Callable[[ItemResult], None]) -> None:
        raise ConfigError([Problem("job.yaml", 4, 1, "templates", "no template 'nope'")])

    @click.command()
    def render() -> None:
        with_progress(1, "rendering", True, broken)

    result = CliRunner().invoke(render, [])
    assert result.exit_code == 2
    assert result.stderr == "job.yaml:4:1: templates: no template 'nope'\nerror: 1 problem; nothing was rendered\n"
