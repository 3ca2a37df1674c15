"""How text is lettered as a job or a workspace says it (lettering.py): ``lang`` and ``system_fonts`` over a
default, a bad language tag one line at its place."""

from __future__ import annotations

import pytest

from artpipe.lettering import Lettering, read_lettering
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import parse_yaml


def _read(yaml: str, default: Lettering) -> tuple[Lettering, list[str]]:
    problems = Problems()
    found = read_lettering(Reader(parse_yaml(yaml, "job.yaml"), "", problems), default)
    return found, [str(p) for p in problems.items]


@pytest.mark.parametrize(("yaml", "default", "expected"), [
    ("x: 1\n", Lettering("ja", True), Lettering("ja", True)),  # nothing said: the default stands
    ("lang: zh-Hant\n", Lettering("ja", True), Lettering("zh-Hant", True)),
    ("system_fonts: true\n", Lettering(), Lettering(None, True)),
    ("lang: ko\nsystem_fonts: false\n", Lettering("ja", True), Lettering("ko", False)),
])
def test_the_keys_said_are_laid_over_the_default(yaml: str, default: Lettering, expected: Lettering) -> None:
    assert _read(yaml, default) == (expected, [])


@pytest.mark.parametrize(("yaml", "said"), [
    ("lang: chinese please\n", "job.yaml:1:7: lang: 'chinese please' is not a language tag "
                               "(write it like zh-Hans, zh-Hant, ja or ko)"),
    ("lang: z\n", "job.yaml:1:7: lang: 'z' is not a language tag (write it like zh-Hans, zh-Hant, ja or ko)"),
    ("system_fonts: yes please\n", "job.yaml:1:15: system_fonts: must be true or false, not text"),
])
def test_a_wrong_value_is_one_line_and_the_default_stands(yaml: str, said: str) -> None:
    found, problems = _read(yaml, Lettering("ja", False))
    assert found == Lettering("ja", False)
    assert problems == [said]
