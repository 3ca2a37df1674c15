"""The inputs a user names (sources.py): files as given, folders walked in a stable order with the ignore rules,
links never followed out, pipes and dangling links refused without opening them, byte-identical copies found."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath

import pytest

from artpipe.reasons import Reason
from artpipe.report.results import Failure, InputResult, Status
from artpipe.sources import Source, classify_sources, digest, walk_sources


def _tree(root: Path) -> None:
    (root / "b").mkdir(parents=True)
    (root / "b" / "z.jpg").write_bytes(b"z")
    (root / "a.jpg").write_bytes(b"a")
    (root / ".DS_Store").write_bytes(b"\x00")
    (root / "Z.png").write_bytes(b"Z")
    (root / "half.jpg.part").write_bytes(b"h")
    (root / "video.download").mkdir()  # a partial download folder: never walked
    (root / "video.download" / "x.jpg").write_bytes(b"x")


def test_a_folder_is_walked_in_a_stable_order_with_its_ignored_files_said(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = [(s.rel.as_posix(), s.status, s.message) for s in walk_sources([tmp_path])]
    assert found == [
        (".DS_Store", Status.IGNORED, "a system file; not processed"),
        ("Z.png", None, ""), ("a.jpg", None, ""),
        ("half.jpg.part", Status.IGNORED, "a partial download; not processed"),
        ("b/z.jpg", None, ""),  # a folder's own files first, then its folders
    ]


def test_files_named_directly_keep_their_name_and_the_output_folder_is_skipped(tmp_path: Path) -> None:
    _tree(tmp_path)
    out = tmp_path / "b"
    assert [s.rel for s in walk_sources([tmp_path / "a.jpg", tmp_path / "b" / "z.jpg"])] == [
        PurePosixPath("a.jpg"), PurePosixPath("z.jpg")]
    assert "b/z.jpg" not in [s.rel.as_posix() for s in walk_sources([tmp_path], exclude=out)]


def test_links_are_read_only_inside_the_folder(tmp_path: Path) -> None:
    root, outside = tmp_path / "in", tmp_path / "secret.jpg"
    root.mkdir()
    outside.write_bytes(b"s")
    (root / "real.jpg").write_bytes(b"r")
    (root / "ok.jpg").symlink_to(root / "real.jpg")
    (root / "out.jpg").symlink_to(outside)
    (root / "gone.jpg").symlink_to(root / "nothing.jpg")
    (root / "up").symlink_to(tmp_path, target_is_directory=True)  # a linked folder: never walked
    found = {s.rel.as_posix(): (s.status, s.reason, s.message) for s in walk_sources([root])}
    assert found == {
        "gone.jpg": (Status.REJECTED, Reason.MISSING, "a link to a file that does not exist; copy the file itself"),
        "ok.jpg": (None, None, ""),
        "out.jpg": (Status.REJECTED, Reason.UNSUPPORTED,
                    "a link pointing outside the folder is not followed; copy the file in instead"),
        "real.jpg": (None, None, ""),
    }
    (dangling,) = walk_sources([root / "gone.jpg"])
    assert (dangling.status, dangling.message) == (Status.REJECTED, "a link to a file that does not exist")


def test_a_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "photo.jpg")  # opening it would wait for a writer for ever
    (source,) = walk_sources([tmp_path / "photo.jpg"])
    assert source == Source(tmp_path / "photo.jpg", PurePosixPath("photo.jpg"), Status.REJECTED, Reason.UNSUPPORTED,
                            "not a regular file (a pipe, socket or device); copy the image file itself")


def test_classify_says_what_is_not_processed_and_finds_byte_identical_copies(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "b" / "copy.jpg").write_bytes(b"a")  # the same bytes as a.jpg, found later
    classified = [(i, s.rel.as_posix(), r) for i, s, r in classify_sources([tmp_path], None)]
    assert classified == [
        (0, ".DS_Store", InputResult(tmp_path / ".DS_Store", Status.IGNORED, None, "a system file; not processed")),
        (1, "Z.png", None), (2, "a.jpg", None),
        (3, "half.jpg.part", InputResult(tmp_path / "half.jpg.part", Status.IGNORED, None,
                                         "a partial download; not processed")),
        (4, "b/copy.jpg", InputResult(tmp_path / "b" / "copy.jpg", Status.DUPLICATE, same_as=tmp_path / "a.jpg")),
        (5, "b/z.jpg", None),
    ]


def test_an_unreadable_input_is_rejected_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.jpg").write_bytes(b"a")
    (tmp_path / "b.jpg").write_bytes(b"b")
    real = digest

    def refused(path: Path) -> str:
        if path.name == "a.jpg":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("artpipe.sources.digest", refused)
    results = [r for _, _, r in classify_sources([tmp_path], None)]
    assert results == [InputResult(tmp_path / "a.jpg", Status.REJECTED,
                                   Failure(Reason.MISSING, "cannot read it (Permission denied)")), None]


def test_digest_is_the_sha256_of_the_bytes_read_in_blocks(tmp_path: Path) -> None:
    data = os.urandom((1 << 20) + 5)  # more than one block
    (tmp_path / "big.bin").write_bytes(data)
    assert digest(tmp_path / "big.bin") == hashlib.sha256(data).hexdigest()
