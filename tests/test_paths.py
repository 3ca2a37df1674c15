"""Untrusted paths (paths.py): resolved once against their folder and refused, in words, when they leave it; paths
as reports and hints print them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from artpipe.paths import UnsafePath, command, display, inside


@pytest.mark.parametrize(("value", "why"), [
    ("/etc/hostname", "is an absolute path"), ("../bravo/bottle.jpg", "climbs out of the folder"),
    ("C:\\\\secret.jpg", "is an absolute path"), ("~/secret.jpg", "is an absolute path")])
def test_inside_refuses_every_way_out(tmp_path: Path, value: str, why: str) -> None:
    with pytest.raises(UnsafePath, match=why):
        inside(tmp_path, value)
    (tmp_path / "ok.png").write_bytes(b"x")
    assert inside(tmp_path, "ok.png") == (tmp_path / "ok.png").resolve()


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "merchant").mkdir()
    (tmp_path / "secret.jpg").write_bytes(b"x")
    (tmp_path / "merchant" / "logo.jpg").symlink_to(tmp_path / "secret.jpg")
    with pytest.raises(UnsafePath, match="through a link"):
        inside(tmp_path / "merchant", "logo.jpg")


@pytest.mark.parametrize(("value", "said"), [
    ("/etc/hostname", "'/etc/hostname' is an absolute path; name a file inside the folder"),
    ("D:/photos/a.jpg", "'D:/photos/a.jpg' is an absolute path; name a file inside the folder"),
    ("photos/../../a.jpg", "'photos/../../a.jpg' climbs out of the folder with '..'; name a file inside it"),
    ("photos\\..\\a.jpg", "'photos\\..\\a.jpg' climbs out of the folder with '..'; name a file inside it"),
])
def test_a_refused_path_is_one_line_naming_it_and_what_to_do(tmp_path: Path, value: str, said: str) -> None:
    with pytest.raises(UnsafePath) as refused:
        inside(tmp_path, value)
    assert str(refused.value) == said


def test_a_path_is_read_from_the_folder_of_the_file_that_names_it(tmp_path: Path) -> None:
    merchant = tmp_path / "acme"
    (merchant / "shots").mkdir(parents=True)
    assert inside(tmp_path, "shots/mug.jpg", merchant) == (merchant / "shots" / "mug.jpg").resolve()
    assert inside(tmp_path, "./mug.jpg", merchant) == (merchant / "mug.jpg").resolve()
    (merchant / "up").symlink_to(tmp_path)  # a link that stays inside the root is fine
    assert inside(tmp_path, "up/acme/mug.jpg", merchant) == (merchant / "mug.jpg").resolve()


def test_a_path_displays_relative_below_the_working_folder_else_absolute(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    assert display(tmp_path / "out" / "a.jpg") == "out/a.jpg"
    assert display(tmp_path / "out" / "a.jpg", absolute=True) == str(tmp_path / "out" / "a.jpg")
    assert display(tmp_path / "out" / ".." / "b.jpg") == "b.jpg"
    elsewhere = tmp_path.parent / "elsewhere" / "c.jpg"
    assert display(elsewhere) == str(elsewhere)


def test_a_hint_command_pastes_as_one_word_per_argument() -> None:
    folder = Path("/Users/anna/Anna's Studio")
    said = command("artpipe", "watch", "--config", folder)
    assert said == "artpipe watch --config '/Users/anna/Anna'\"'\"'s Studio'"
    assert shlex.split(said) == ["artpipe", "watch", "--config", str(folder)]
