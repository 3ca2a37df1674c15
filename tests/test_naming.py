from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from artpipe.naming import Namer, check_output_pattern, name_key, output_name, safe_stem
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import parse_yaml


@pytest.mark.parametrize(("stem", "expected"), [
    ("mug", "mug"), ("Ünïcödé 商品", "Ünïcödé 商品"), ("a:b*c?", "a_b_c_"), (".hidden", "hidden"), ("", "_"),
    ("Cafe\u0301", "Café"),  # NFD from macOS becomes NFC
])
def test_safe_stem(stem: str, expected: str) -> None:
    assert safe_stem(stem, 200) == expected


def test_safe_stem_cuts_at_a_character_boundary() -> None:
    cut = safe_stem("商" * 100, 200)  # 3 bytes each
    assert cut == "商" * 66
    assert len(cut.encode()) <= 200


def test_namer_never_collides_even_across_case() -> None:
    namer = Namer(200)
    names = [namer.name(PurePosixPath(p), ".jpg").as_posix() for p in ["a.png", "a.jpg", "A.jpeg", "sub/a.png"]]
    assert names == ["a.jpg", "a-2.jpg", "A-3.jpg", "sub/a.jpg"]


def test_name_key_is_how_a_case_and_form_blind_filesystem_sees_a_name() -> None:
    assert name_key("Cafe\u0301/MUG.jpg") == name_key("café/mug.JPG") == "café/mug.jpg"
    assert name_key("mug-1.jpg") != name_key("mug-2.jpg")


def test_output_name_makes_every_value_a_single_safe_part() -> None:
    parts = {"sku": "../../etc/passwd", "template": "CON", "size": "800x800"}
    assert output_name("{template}/{sku}-{size}.jpg", parts) == "CON_/_.._etc_passwd-800x800.jpg"
    assert output_name("{sku}-{headline}.png", {"sku": "a:b"}) == "a_b-_.png"  # a field left empty


def _pattern_problems(pattern: str) -> list[str]:
    problems = Problems()
    reader = Reader(parse_yaml("output: x\n", "job.yaml"), "", problems)
    check_output_pattern(reader, pattern, {"sku", "size"})
    return [str(p) for p in problems.items]


@pytest.mark.parametrize(("pattern", "said"), [
    ("{sku}-{size}.jpg", []),
    ("{sku", ["job.yaml:1:9: output: bad pattern: expected '}' before end of string "
              "(use {sku}, {template}, {size}, {index} or a field)"]),
    ("a\x00b.jpg", ["job.yaml:1:9: output: the pattern contains a NUL character (write a plain file name pattern)"]),
    ("{skus}.jpg", ["job.yaml:1:9: output: unknown placeholder {skus} (did you mean sku?)"]),
    ("{zzz}.jpg", ["job.yaml:1:9: output: unknown placeholder {zzz} (use one of size, sku)"]),
    ("{sku!r}.jpg", ["job.yaml:1:9: output: placeholders take no format spec or conversion "
                     "(write {sku}, not {sku:>10})"]),
    ("sub/../../{sku}.jpg", ["job.yaml:1:9: output: the pattern must stay inside the output folder "
                             "(no absolute paths or '..')"]),
])
def test_an_output_pattern_problem_is_one_line_at_the_key(pattern: str, said: list[str]) -> None:
    assert _pattern_problems(pattern) == said
