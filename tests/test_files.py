from __future__ import annotations

import os
from pathlib import Path

import pytest

from artpipe.files import TEMP_PREFIX, clean_temp_files, write_atomic
from artpipe.jobs import load_job, plan
from artpipe.report import product_item
from artpipe.tasks import render_product

from conftest import product_photo


def test_write_atomic_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.jpg"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["b.jpg"]


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "b.jpg"
    target.write_bytes(b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["b.jpg"]


def test_encoding_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    product_photo().save(tmp_path / "p.jpg")
    (tmp_path / "job.yaml").write_text("templates: [product-main]\nproducts:\n  - {sku: x, product: p.jpg}\n")
    tasks = plan(load_job(tmp_path / "job.yaml"), tmp_path / "out")

    def broken(*_: object) -> bytes:
        raise OSError(5, "encoder exploded")
    monkeypatch.setattr("artpipe.tasks.encode_within", broken)
    outcome = product_item(render_product(tasks[0]))
    assert (outcome.status, outcome.reason) == ("failed", "write")
    assert "cannot write (encoder exploded)" in outcome.message
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_clean_temp_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    stale = tmp_path / "d" / f"{TEMP_PREFIX}abc.tmp"
    stale.write_bytes(b"half")
    (tmp_path / "d" / "keep.jpg").write_bytes(b"x")
    assert clean_temp_files(tmp_path) == [stale]
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["keep.jpg"]


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    target = tmp_path / "shared.jpg"
    write_atomic(target, b"x")
    # what a plain open() would give; mkstemp alone leaves 0600, unreadable for colleagues on a share
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
