"""The report's two closed vocabularies (artpipe/reasons.py) walked member by member: every warning kind and
every reason has words, is documented, and reads back from the report's spelling to the same value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from artpipe.errors import REJECT_REASONS, InputError
from artpipe.reasons import REASON_WORDS, Note, Reason, WarningKind, notes, tokens, words
from artpipe.report.proofview import words as proof_words
from artpipe.report.results import Failure, OutputResult, ProductResult, Status

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
INBOX_DOCS = (Path(__file__).resolve().parent.parent / "docs" / "inbox.md").read_text(encoding="utf-8")


def documented(table_head: str) -> set[str]:
    """The first-column names of the docs/cli.md table that starts with ``table_head``."""
    table = DOCS[DOCS.index(table_head):].split("\n\n")[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))


@pytest.mark.parametrize("kind", list(WarningKind))
def test_every_warning_kind_has_words_and_reads_back(kind: WarningKind) -> None:
    assert kind.words
    assert "_" not in kind.words  # words for people, not the token spelt out
    for note in (Note(kind), Note(kind, "headline@wide"), Note(kind, "520x140<800").of("logo")):
        assert Note.parse(note.token) == note
        assert str(note) == note.token
        assert words(note.token) == note.words
        assert note.words.startswith("the logo: " if note.about else kind.words)


def test_every_reason_has_words() -> None:
    assert set(REASON_WORDS) == set(Reason)
    assert all(REASON_WORDS[r] and "_" not in REASON_WORDS[r] for r in Reason)


def test_every_warning_kind_and_reject_reason_is_documented() -> None:
    assert documented("| warning | meaning |") == {k.value for k in WarningKind}
    assert documented("| reason | meaning |") == set(REJECT_REASONS)
    assert all(f"`reason: {r.value}`" in DOCS for r in Reason if r.fails)
    assert all(f"reason `{r.value}`" in INBOX_DOCS for r in Reason if r.inbox)
    assert not any(r.fails and r.inbox for r in Reason)


def test_a_note_is_spelt_as_the_report_always_spelt_it() -> None:
    assert Note(WarningKind.LOW_RESOLUTION, "520x140<800").of("logo").token == "logo:low_resolution:520x140<800"
    assert Note(WarningKind.CHECK_FAILED, "jd.main:edge_margin").token == "check_failed:jd.main:edge_margin"
    assert Note(WarningKind.EXIF_INVALID).token == "exif_invalid"
    assert Note.parse("smaller:amazon.main:1739x1739") == Note(WarningKind.SMALLER, "amazon.main:1739x1739")


def test_words_show_a_measure_but_not_a_place() -> None:
    assert words("logo:low_resolution:520x140<800") == \
        "the logo: the picture is small, so it may look soft (520x140<800)"
    assert words("text_truncated:headline@mobile") == "a text was too long and was shortened with …"
    assert words("check_failed:jd.main:edge_margin") == "the image fails a marketplace rule (see its checks)"
    assert proof_words is words  # the proof page reads them from the same place


def test_a_warning_this_version_does_not_know_is_worded_not_fatal() -> None:
    assert words("moire_found:12") == "moire found:12"
    assert notes(["dark:mean_31<40", "moire_found", "logo:moire_found"]) == (Note(WarningKind.DARK, "mean_31<40"),)
    with pytest.raises(ValueError, match="not a warning artpipe knows"):
        Note.parse("logo:second_photo:dark")  # a field of a field is no spelling the report has


def test_a_result_record_keeps_its_warnings_and_reason_typed_through_json(tmp_path: Path) -> None:
    out = OutputResult(tmp_path / "a.jpg", None, (Note(WarningKind.TEXT_TRUNCATED, "headline@wide"),))
    failed = OutputResult(tmp_path / "b.jpg", Failure(Reason.BUDGET, "too big"))
    result = ProductResult(tmp_path / "a.jpg", "a", Status.OK, None, (out, failed),
                           (Note(WarningKind.DARK, "mean_31<40").of("logo"),))
    record = result.to_json()
    assert record["warnings"] == ["logo:dark:mean_31<40"]
    assert record["outputs"][0]["warnings"] == ["text_truncated:headline@wide"]
    back = ProductResult.from_json(record)
    assert back == result
    assert back.outputs[1].failure is not None
    assert back.outputs[1].failure.reason is Reason.BUDGET
    assert tokens(back.warnings) == ["logo:dark:mean_31<40"]


def test_an_input_error_takes_only_a_reject_reason() -> None:
    assert InputError("a.jpg", "corrupt", "damaged").reason is Reason.CORRUPT
    assert InputError("a.jpg", Reason.MISSING, "gone").reason == "missing"
    for reason in ("render", "write", "exploded"):
        with pytest.raises(ValueError, match="unknown reject reason"):
            InputError("a.jpg", reason, "x")
