"""Where templates are (artpipe/template/find.py): a path, a workspace's templates/ folder, the bundled ones; and
how an override mapping is laid over a layer's."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_layers_template import GOOD, write

from artpipe.template.find import bundled_templates, find_template, merge_layer, template_file
from artpipe.yamlsrc import YMap, parse_yaml


def test_find_template_prefers_paths_then_workspace_then_bundled(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    local = write(tmp_path / "templates", GOOD, "promo-banner.yaml")
    assert find_template("promo-banner", [tmp_path]) == local
    assert find_template("product-main", [tmp_path]) == bundled_templates()["product-main"]
    assert find_template("templates/promo-banner.yaml", [tmp_path]) == local
    assert find_template("nope", [tmp_path]) is None


def test_bundled_dir_prefers_the_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.template import find
    (tmp_path / "bundled" / "x").mkdir(parents=True)
    monkeypatch.setattr(find, "files", lambda _: tmp_path)
    assert find.bundled_dir() == tmp_path / "bundled"
    (tmp_path / "bundled" / "x").rmdir()
    (tmp_path / "bundled").rmdir()
    assert find.bundled_dir() == Path(find.__file__).resolve().parents[2] / "templates"


def test_a_template_is_a_yaml_file_or_a_folder_holding_template_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "kit"
    folder.mkdir()
    assert template_file(folder) == folder / "template.yaml"
    assert template_file(tmp_path / "t.yaml") == tmp_path / "t.yaml"
    write(folder, GOOD, "template.yaml")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "kit").mkdir()
    write(tmp_path / "templates" / "kit", GOOD, "template.yaml")
    assert find_template("kit", [tmp_path]) == folder / "template.yaml"  # the path wins over templates/kit
    assert find_template("kit", [tmp_path / "templates"]) == tmp_path / "templates" / "kit" / "template.yaml"


def test_a_path_is_never_taken_for_a_bundled_name(tmp_path: Path) -> None:
    assert "product-main" in bundled_templates()
    assert find_template("product-main.yaml", [tmp_path]) is None
    assert find_template("somewhere/product-main", [tmp_path]) is None
    assert find_template("product-main", []) == bundled_templates()["product-main"]


def test_bundled_templates_are_sorted_by_name_and_hold_both_kinds(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from artpipe.template import find
    (tmp_path / "b-kit").mkdir()
    write(tmp_path / "b-kit", GOOD, "template.yaml")
    write(tmp_path, GOOD, "a-file.yaml")
    write(tmp_path, GOOD, "c-file.yml")
    write(tmp_path, "notes", "readme.txt")
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.setattr(find, "bundled_dir", lambda: tmp_path)
    assert list(bundled_templates().items()) == [("a-file", tmp_path / "a-file.yaml"),
                                                 ("b-kit", tmp_path / "b-kit" / "template.yaml"),
                                                 ("c-file", tmp_path / "c-file.yml")]


def test_an_override_merges_font_stroke_and_shadow_key_by_key_and_replaces_the_rest() -> None:
    base = parse_yaml("font: {size: 40, min_size: 20}\nbox: {left: 0, width: 50%}\nshadow: {dy: 4, blur: 8}\n"
                      "text: Hi\n", "base.yaml")
    over = parse_yaml("font: {size: 60}\nbox: {right: 0}\nshadow: {dy: 2}\ncolor: red\n", "over.yaml")
    assert isinstance(base, YMap)
    assert isinstance(over, YMap)
    merged = merge_layer(base, over)
    assert dict(merged["font"]) == {"size": 60, "min_size": 20}
    assert dict(merged["shadow"]) == {"dy": 2, "blur": 8}
    assert dict(merged["box"]) == {"right": 0}  # a box is replaced whole
    assert (merged["text"], merged["color"]) == ("Hi", "red")
    assert dict(base["font"]) == {"size": 40, "min_size": 20}  # neither side is changed
