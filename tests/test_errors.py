"""The exception tree (errors.py): every message one line, compiler style for configuration problems."""

from __future__ import annotations

import pytest

from artpipe.errors import REJECT_REASONS, ArtpipeError, ConfigError, InputError, Problem, RenderError, WatcherRunning
from artpipe.reasons import Reason


@pytest.mark.parametrize(("problem", "line"), [
    (Problem("t.yaml", 3, 7, "layers[1] (headline).font.size", "must be a number", "write 48"),
     "t.yaml:3:7: layers[1] (headline).font.size: must be a number (write 48)"),
    (Problem("t.yaml", 3, 7, "", "unknown key"), "t.yaml:3:7: unknown key"),
    (Problem("artpipe.yaml", 0, 0, "folders", "missing", "run artpipe init"),
     "artpipe.yaml: folders: missing (run artpipe init)"),  # no line: the file as a whole
])
def test_a_problem_reads_file_line_col_where_what_and_hint(problem: Problem, line: str) -> None:
    assert str(problem) == line


def test_a_config_error_carries_every_problem_a_line_each() -> None:
    problems = [Problem("a.yaml", 1, 1, "x", "bad"), Problem("b.yaml", 2, 5, "y", "worse", "fix it")]
    error = ConfigError(iter(problems))
    assert error.problems == tuple(problems)
    assert str(error) == "a.yaml:1:1: x: bad\nb.yaml:2:5: y: worse (fix it)"
    held = WatcherRunning([Problem("ws/.artpipe/watch.lock", 0, 0, "", "another watcher runs")])
    assert isinstance(held, ConfigError)
    assert isinstance(held, ArtpipeError)


def test_an_input_error_names_the_file_and_a_known_reason() -> None:
    error = InputError("photos/a.jpg", "truncated", "the file is cut short")
    assert (error.reason, error.path, error.message) == (Reason.TRUNCATED, "photos/a.jpg", "the file is cut short")
    assert isinstance(error.reason, Reason)
    assert str(error) == "photos/a.jpg: the file is cut short"
    assert all(InputError("x", reason, "m").reason == reason for reason in REJECT_REASONS)


def test_an_input_error_with_a_reason_outside_the_list_is_a_bug_said_at_once() -> None:
    with pytest.raises(ValueError, match="unknown reject reason 'corrupted'"):
        InputError("a.jpg", "corrupted", "x")
    with pytest.raises(ValueError, match="unknown reject reason"):
        InputError("a.jpg", Reason.RENDER, "a render failure is not a reason to reject an input")


def test_a_render_error_says_where_the_template_says_it() -> None:
    error = RenderError("promo.yaml:12", "'call us' is not a price")
    assert (error.origin, error.message, str(error)) == ("promo.yaml:12", "'call us' is not a price",
                                                         "promo.yaml:12: 'call us' is not a price")
