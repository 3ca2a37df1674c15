"""The numbers the code uses (defaults.py): read once from defaults.yaml into typed, frozen settings, the YAML
checked against the types when loaded."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from artpipe.defaults import _typed


def test_the_defaults_are_typed_and_checked_when_loaded() -> None:
    import dataclasses

    from artpipe.defaults import Settings, defaults, setting, settings

    s = settings()
    assert s.analyze.backdrop_tolerance == 28
    assert s.ignore.names == (".DS_Store", "Thumbs.db", "desktop.ini")
    assert isinstance(s.text.line_height, float)
    assert setting("image", "max_pixels") == s.image.max_pixels  # the older spelling still works
    sections = {f.name for f in dataclasses.fields(Settings)}
    assert sections == set(defaults())  # every section of defaults.yaml is typed, and no other
    broken = {**defaults(), "quality": {**defaults()["quality"], "min_side": "800"}}
    with pytest.raises(ValueError, match=r"quality\.min_side must be int, is '800'"):
        _typed(Settings, broken, "")
    missing = {**defaults(), "encode": {"jpeg_quality": 90}}
    with pytest.raises(ValueError, match=r"encode must have exactly"):
        _typed(Settings, missing, "")


@dataclass(frozen=True)
class _Inner:
    names: tuple[str, ...]
    ratio: float
    size: int


@dataclass(frozen=True)
class _Outer:
    count: int
    inner: _Inner


@pytest.mark.parametrize(("data", "said"), [
    ({"count": 1, "inner": {"names": [], "ratio": 1, "size": True}}, "defaults.yaml: inner.size must be int, is True"),
    ({"count": 1, "inner": {"names": ["a", 2], "ratio": 1, "size": 1}},
     "defaults.yaml: inner.names must be tuple, is ('a', 2)"),
    ({"count": 1, "inner": {"names": [], "ratio": "1", "size": 1}}, "defaults.yaml: inner.ratio must be float, is '1'"),
    ({"count": 1, "inner": {"names": [], "ratio": 1, "size": 1, "extra": 0}},
     "defaults.yaml: inner must have exactly ['names', 'ratio', 'size'], has ['extra', 'names', 'ratio', 'size']"),
    ({"count": 1, "inner": [1]}, "defaults.yaml: inner must have exactly ['names', 'ratio', 'size'], has list"),
])
def test_a_wrong_default_names_its_place_and_type(data: dict[str, object], said: str) -> None:
    with pytest.raises(ValueError, match="defaults.yaml") as refused:
        _typed(_Outer, data, "")
    assert str(refused.value) == said


def test_yaml_lists_become_tuples_and_whole_numbers_floats() -> None:
    typed = _typed(_Outer, {"count": 3, "inner": {"names": ["a", "b"], "ratio": 2, "size": 4}}, "")
    assert typed == _Outer(3, _Inner(("a", "b"), 2.0, 4))
    assert isinstance(typed.inner.ratio, float)
