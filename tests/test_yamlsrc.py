from __future__ import annotations

from pathlib import Path

import pytest

from artpipe.errors import ConfigError
from artpipe.yamlsrc import YList, YMap, load_yaml, parse_yaml


def messages(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_yaml(text, "t.yaml")
    return [str(p) for p in info.value.problems]


def test_marks_point_at_keys_and_values() -> None:
    data = parse_yaml("name: a\nlayers:\n  - type: text\n    box: {left: 5}\n", "t.yaml")
    assert isinstance(data, YMap)
    assert data.key_marks["layers"] == (2, 1)
    layers = data["layers"]
    assert isinstance(layers, YList)
    assert layers.item_marks[0] == (3, 5)
    assert layers[0].value_marks["box"] == (4, 10)


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    assert messages("name: a\nsizes: {}\nname: b\n") == [
        "t.yaml:3:1: name: duplicate key (first defined at line 1) (keep one of them)"]


def test_aliases_are_refused() -> None:
    assert messages("a: &x [1, 2]\nb: *x\n") == [
        "t.yaml:1:4: YAML anchors and aliases (&name, *name) are not allowed (write the value out in full)"]


def test_python_tags_are_refused() -> None:
    assert messages("a: !!python/object:os.system ls\n") == [
        "t.yaml:1:4: unsupported YAML tag tag:yaml.org,2002:python/object:os.system (use plain values)"]


def test_syntax_error_has_line() -> None:
    (msg,) = messages("a: [1, 2\nb: 3\n")
    assert msg.startswith("t.yaml:2:")
    assert "YAML syntax" in msg


def test_keys_stay_text() -> None:
    data = parse_yaml("800: x\non: y\nno: z\n", "t.yaml")
    assert list(data) == ["800", "on", "no"]


def test_too_deep_is_refused() -> None:
    (msg,) = messages("a: " + "[" * 60 + "]" * 60 + "\n")
    assert "nesting is too deep" in msg


def test_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 1_100_000 + "\n")
    with pytest.raises(ConfigError, match=r"big.yaml: file is 1100004 bytes, more than the 1048576 allowed"):
        load_yaml(big)


def test_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_yaml(bad)


def test_merged_keeps_marks_of_each_side() -> None:
    base = parse_yaml("a: 1\nb: {c: 2}\n", "base.yaml")
    over = parse_yaml("\n\nb: {c: 3}\n", "over.yaml")
    merged = base.merged(over)
    assert merged["a"] == 1
    assert merged["b"]["c"] == 3
    assert merged.value_marks["a"] == (1, 4)
    assert merged.value_marks["b"] == (3, 4)
