from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from artpipe.api import normalize_files, plan_normalize
from artpipe.cli.commands import main
from artpipe.defaults import settings as bundled_settings
from artpipe.errors import REJECT_REASONS, ConfigError, InputError
from artpipe.imaging.color import srgb_icc_bytes
from artpipe.imaging.normalize import NormalizeOptions, normalize
from artpipe.imaging.open import open_image

from hostile import build, jpeg_bytes, photo, png_bytes


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str | None]]]:
    root = tmp_path_factory.mktemp("hostile")
    return root / "in", build(root / "in")


def test_every_hostile_input_is_accounted_for(corpus: tuple[Path, dict[str, tuple[str, str | None]]],
                                              tmp_path: Path) -> None:
    folder, expected = corpus
    before = digests(folder)
    result = normalize_files(plan_normalize([folder], tmp_path / "out", NormalizeOptions()), jobs=1)
    got = {str(Path(o.input).relative_to(folder)): o for o in result.outcomes}
    assert set(got) == set(expected)  # every input exactly once; nothing from the ignored folder
    for name, (status, reason) in expected.items():
        assert (got[name].status, got[name].reason) == (status, reason), (name, got[name].message)
        assert got[name].message, name
    assert digests(folder) == before  # inputs are never modified, moved or deleted
    assert got["again/ok.jpg"].message == f"same bytes as {folder / 'ok.jpg'}; processed once"
    assert "multi_frame" in got["anim.gif"].warnings
    assert "cmyk_converted" in got["print.jpg"].warnings


def test_accepted_outputs_are_srgb_upright_and_keep_alpha(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    build(folder)
    normalize_files(plan_normalize([folder], tmp_path / "out", NormalizeOptions()), jobs=2)
    out = tmp_path / "out"
    with Image.open(out / "cutout.png") as cut:
        assert cut.mode == "RGBA"
        assert cut.getpixel((0, 0))[3] == 0
        assert cut.info.get("icc_profile") == srgb_icc_bytes()
    with Image.open(out / "sideways.jpg") as side:
        assert side.size == (480, 640)  # EXIF 6 applied
    with Image.open(out / "palette.png") as pal:
        assert pal.mode in ("RGB", "RGBA")
    assert (out / "sub" / "deeper" / "ok.jpg").is_file()  # folders kept: no clash with the top-level ok.jpg
    assert (out / "Ünïcödé 商品 photo.jpg").is_file()
    long_names = [p.name for p in out.iterdir() if p.name.startswith("xxx")]
    assert long_names == ["x" * 200 + ".jpg"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["command"] == "normalize"
    assert {"input", "status", "reason", "message", "outputs", "warnings"} <= set(report["items"][0])


def test_trim_max_size_and_white_backdrop(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.jpg").write_bytes(jpeg_bytes(photo((2000, 1500))))
    options = NormalizeOptions(trim=True, max_size=500, white_backdrop=True)
    plan = plan_normalize([tmp_path / "in"], tmp_path / "out", options, fmt="png")  # lossless: exact pixels
    (outcome,) = normalize_files(plan, jobs=1).outcomes
    assert outcome.status == "ok"
    with Image.open(tmp_path / "out" / "p.png") as im:
        # the product is 800 x 975 px; with a 2 % margin each side and scaled to 500 px high: ~410 x 500
        assert im.size[1] == 500
        assert 400 <= im.size[0] <= 420
        assert im.getpixel((2, 2)) == (255, 255, 255)  # backdrop cleaned to pure white
        centre = im.getpixel((im.width // 2, im.height // 2))
        assert isinstance(centre, tuple)
        assert max(abs(a - b) for a, b in zip(centre, (30, 80, 170), strict=True)) <= 3  # product untouched (JPEG in)


def test_the_public_normalize_uses_the_bundled_settings_unless_given_others(tmp_path: Path) -> None:
    import artpipe

    path = tmp_path / "mug.png"
    path.write_bytes(png_bytes(photo()))
    bundled = bundled_settings()
    asset = artpipe.normalize(open_image(path))  # the API reads the settings; the steps are given them
    same = normalize(open_image(path), rules=bundled)
    assert (asset.subject, asset.backdrop, asset.steps) == (same.subject, same.backdrop, same.steps)
    assert asset.image.tobytes() == same.image.tobytes()
    blind = dataclasses.replace(bundled, analyze=dataclasses.replace(bundled.analyze, border_spread=-1))
    assert artpipe.normalize(open_image(path), rules=blind).backdrop is None


def test_output_folder_may_not_be_a_source(tmp_path: Path) -> None:
    (tmp_path / "p.jpg").write_bytes(jpeg_bytes(photo()))
    with pytest.raises(ConfigError, match="the output folder is also a source folder"):
        plan_normalize([tmp_path], tmp_path, NormalizeOptions())


def test_output_folder_inside_a_source_is_skipped_on_rerun(tmp_path: Path) -> None:
    (tmp_path / "p.jpg").write_bytes(jpeg_bytes(photo()))
    for _ in range(2):
        result = normalize_files(plan_normalize([tmp_path], tmp_path / "normalized", NormalizeOptions()), jobs=1)
        assert [o.status for o in result.outcomes] == ["ok"]


def test_cli_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(jpeg_bytes(photo()))
    runner = CliRunner()
    ok = runner.invoke(main, ["normalize", str(tmp_path / "in"), "-o", str(tmp_path / "o1"), "-j", "1"])
    assert ok.exit_code == 0
    assert "normalized 1 of 1 inputs; rejected 0" in ok.stdout
    (tmp_path / "in" / "b.jpg").write_bytes(b"")
    bad = runner.invoke(main, ["normalize", str(tmp_path / "in"), "-o", str(tmp_path / "o2"), "-j", "1"])
    assert bad.exit_code == 1
    assert f"rejected: {tmp_path / 'in' / 'b.jpg'}: the file is empty (0 bytes); copy it again" in bad.stderr
    same = runner.invoke(main, ["normalize", str(tmp_path / "in"), "-o", str(tmp_path / "in")])
    assert same.exit_code == 2
    assert "the output folder is also a source folder" in same.stderr


def test_inspect_reports_what_it_sees(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    (tmp_path / "s.jpg").write_bytes(jpeg_bytes(photo((640, 480)), exif=exif.tobytes()))
    (tmp_path / "e.jpg").write_bytes(b"")
    result = CliRunner().invoke(main, ["inspect", "--json", str(tmp_path / "s.jpg"), str(tmp_path / "e.jpg")])
    assert result.exit_code == 1
    good, bad = json.loads(result.stdout)
    assert (good["format"], good["size"], good["orientation"], good["mode"]) == ("JPEG", [640, 480], 6, "RGB")
    assert good["backdrop"] is not None
    assert good["subject"][2] <= 480  # in upright coordinates
    assert (bad["status"], bad["reason"]) == ("rejected", "empty")
    table = CliRunner().invoke(main, ["inspect", str(tmp_path / "s.jpg")])
    assert "  orientation  6" in table.stdout


def seeds() -> list[bytes]:
    im = photo((64, 48))
    cut = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ImageDraw.Draw(cut).ellipse((5, 5, 35, 35), fill=(10, 200, 10, 255))
    webp = io.BytesIO()
    im.save(webp, "WEBP")
    return [jpeg_bytes(im), png_bytes(cut), png_bytes(im.quantize(8), transparency=0), webp.getvalue()]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(seeds()), cuts=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)),
                                                     max_size=8), chop=st.integers(0, 4000))
def test_fuzzed_files_are_accepted_or_classified(tmp_path: Path, seed: bytes, cuts: list[tuple[int, int]],
                                                 chop: int) -> None:
    data = bytearray(seed)
    for at, value in cuts:
        if data:
            data[at % len(data)] = value
    if chop:
        data = data[: max(0, len(data) - chop % (len(data) + 1))]
    path = tmp_path / "fuzz.img"
    path.write_bytes(bytes(data))
    rejected: InputError | None = None
    try:
        asset = normalize(open_image(path), rules=bundled_settings())
    except InputError as exc:  # the only exception allowed out: a classified reject
        rejected = exc
    if rejected is not None:
        assert rejected.reason in REJECT_REASONS
        assert rejected.message
    else:
        assert asset.image.mode in ("RGB", "RGBA")
        assert asset.image.width > 0
