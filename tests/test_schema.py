"""The typed readers over parsed YAML (schema.py): every accessor returns a usable value and records a one-line
problem at the value's place instead of raising; all problems are raised once, together."""

from __future__ import annotations

from typing import Any

import pytest

from artpipe.errors import ConfigError
from artpipe.schema import Problems, Reader, suggest, type_name

DOC = """\
name: banner
size: 48
ratio: 0.5
bold: yes
fit: contian
layers:
  - {type: text}
  - plain
font: {family: Noto}
platforms: tmall
sizes: .nan
"""


def _reader(text: str = DOC, where: str = "") -> tuple[Reader, Problems]:
    from artpipe.yamlsrc import parse_yaml

    problems = Problems()
    return Reader(parse_yaml(text, "t.yaml"), where, problems), problems


def _said(problems: Problems) -> list[str]:
    return [str(p) for p in problems.items]


@pytest.mark.parametrize(("read", "value", "said"), [
    (lambda r: r.text("name"), "banner", []),
    (lambda r: r.text("size"), "48", []),  # a number where text is wanted is taken as text
    (lambda r: r.text("font", "x"), "x", ["t.yaml:9:7: font: must be text, not a mapping"]),
    (lambda r: r.text("missing"), None, ["t.yaml:1:1: missing required key 'missing'"]),
    (lambda r: r.text("missing", "d"), "d", []),
    (lambda r: r.number("size", 12, minimum=8, maximum=400, integer=True), 48, []),
    (lambda r: r.number("size", 12, minimum=60), 12, ["t.yaml:2:7: size: 48 is below the minimum 60"]),
    (lambda r: r.number("size", minimum=0, maximum=40), 40, ["t.yaml:2:7: size: 48 is above the maximum 40"]),
    (lambda r: r.number("ratio", 1, integer=True), 1, ["t.yaml:3:8: ratio: must be a whole number, not a number"]),
    (lambda r: r.number("bold", 1), 1, ["t.yaml:4:7: bold: must be a number, not true/false"]),  # yes is no number
    (lambda r: r.number("sizes", 3), 3, ["t.yaml:11:8: sizes: nan is not a finite number (write a plain number)"]),
    (lambda r: r.flag("bold", False), True, []),
    (lambda r: r.flag("name", False), False, ["t.yaml:1:7: name: must be true or false, not text"]),
    (lambda r: r.choice("fit", ("contain", "cover"), "cover"), "cover",
     ["t.yaml:5:6: fit: 'contian' is not one of contain, cover (did you mean contain?)"]),
    (lambda r: r.names("platforms", "a platform or a list of them"), ["tmall"], []),
    (lambda r: r.names("font", "a platform or a list of them"), [],
     ["t.yaml:9:7: font: must be a platform or a list of them"]),
    (lambda r: r.names("absent", "names"), None, []),
])
def test_each_accessor_returns_a_usable_value_and_records_what_is_wrong(read: Any, value: object,
                                                                       said: list[str]) -> None:
    reader, problems = _reader()
    assert read(reader) == value
    assert _said(problems) == said


def test_nested_mappings_and_lists_read_with_their_display_path() -> None:
    reader, problems = _reader(where="layers[2] (headline)")
    font = reader.mapping("font")
    assert font is not None
    assert font.path("size") == "layers[2] (headline).font.size"
    font.number("size", 10)
    font.problem("family", "no font Noto", "see: artpipe fonts")
    layers = reader.sequence("layers")
    assert layers is not None
    first, second = reader.item(layers, 0, "layers[0]"), reader.item(layers, 1, "layers[1]")
    assert first is not None
    assert first.text("type") == "text"
    assert second is None
    assert reader.mapping("name") is None
    assert reader.sequence("font") is None
    assert reader.mapping("absent", required=True) is None
    assert _said(problems) == [
        "t.yaml:9:16: layers[2] (headline).font.family: no font Noto (see: artpipe fonts)",
        "t.yaml:8:5: layers[1]: must be a mapping, not text",
        "t.yaml:1:7: layers[2] (headline).name: must be a mapping, not text",
        "t.yaml:9:7: layers[2] (headline).font: must be a list, not a mapping",
        "t.yaml:1:1: layers[2] (headline): missing required key 'absent'",
    ]
    assert reader.origin("fit") == "t.yaml:5"


def test_unknown_keys_get_a_near_miss_or_the_list_and_missing_ones_are_named() -> None:
    reader, problems = _reader("nmae: a\ncolour: red\n")
    reader.check_keys(("name", "size"), required=("name",))
    assert _said(problems) == ["t.yaml:1:1: nmae: unknown key (did you mean name?)",
                               "t.yaml:2:1: colour: unknown key (known keys: name, size)",
                               "t.yaml:1:1: missing required key 'name'"]


def test_problems_are_raised_once_all_together() -> None:
    reader, problems = _reader()
    problems.raise_if_any()  # none yet: nothing raised
    reader.flag("name", False)
    reader.number("size", maximum=1)
    with pytest.raises(ConfigError) as raised:
        problems.raise_if_any()
    assert len(raised.value.problems) == 2
    assert str(raised.value).splitlines() == ["t.yaml:1:7: name: must be true or false, not text",
                                              "t.yaml:2:7: size: 48 is above the maximum 1"]


@pytest.mark.parametrize(("value", "name"), [
    ({}, "a mapping"), ([], "a list"), (True, "true/false"), (None, "empty"), (3, "a number"), (2.5, "a number"),
    ("x", "text")])
def test_a_value_type_is_said_as_a_template_author_would(value: object, name: str) -> None:
    assert type_name(value) == name


def test_a_near_miss_is_suggested_only_when_close() -> None:
    assert suggest("tmal", ["tmall", "jd"]) == "did you mean tmall?"
    assert suggest("amazon", ["tmall", "jd"]) == ""
