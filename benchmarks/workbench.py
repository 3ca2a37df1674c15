"""How long a save on the studio's Templates page takes to show every size again, against a plain preview
measured in the same run.

    python benchmarks/workbench.py [--repeat 5] [--product tall] [--fields example]

The template is promo-banner with a fourth size (strip, 1200x400) added to its text, so four sizes render. Measured,
best of --repeat, after one warm-up (fonts and the sample photo loaded once, as a running studio has them):
  preview      artpipe.api.preview_template(..., boxes=True) of the four sizes at full size: what
               `artpipe preview --boxes` draws, without writing the sheet
  check        the workbench's check of the edited text: validate, render every size with boxes and misfit
               marks, shrink and encode each preview PNG (what a save answers)
  save         check plus the box edit of a drag (move_box) and the atomic write of the text
  HTTP save    the same through the studio's /templates/save route (TestClient: form parsing, JSON, base64)
Prints ms per call, ms per size, and the ratios to preview. The target: a save of a 4-size template under 1 s.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baselines import best  # noqa: E402

from artpipe.api import init_workspace, load_workspace, preview_template  # noqa: E402
from artpipe.layers.template import load_template  # noqa: E402
from artpipe.studio import studio_app  # noqa: E402
from artpipe.template.find import bundled_templates  # noqa: E402
from artpipe.workbench import bench as wb  # noqa: E402
from artpipe.workbench.samples import sample_for  # noqa: E402

FOURTH = "  square: {width: 800, height: 800}\n  strip: {width: 1200, height: 400}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--product", default="tall")
    parser.add_argument("--fields", default="example", help="a sample field set; preview is always measured with "
                        "the examples (a text that does not fit stops a preview, the workbench marks it)")
    args = parser.parse_args()
    text = bundled_templates()["promo-banner"].read_text(encoding="utf-8").replace(
        "  square: {width: 800, height: 800}\n", FOURTH, 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        init_workspace(root)
        folder = root / "templates" / "bench"
        folder.mkdir(parents=True)
        (folder / "template.yaml").write_text(text, encoding="utf-8")
        ref = wb.find_ref(root, "ws:bench")
        template = load_template(ref.file)
        sample = sample_for(template.fields, args.product, args.fields)
        sizes = len(template.size_names)
        photo = str(Path(__file__).resolve().parents[1] / "samples" / "photos" / "bottle-grey.jpg")

        def preview() -> object:
            return preview_template(folder, None, {"product": photo}, boxes=True)

        def check() -> object:
            return wb.check(ref, text, "bench", sample)

        def save() -> object:
            moved = wb.move_box(ref, text, "bench", "strip", "headline", (60, 40, 500, 160))
            wb.save(root, ref, moved, "bench")
            return wb.check(ref, moved, "bench", sample)

        client = _client(root)
        csrf = _token(client)

        def http_save() -> object:
            answer = client.post("/templates/save", files={k: (None, v) for k, v in {
                "csrf": csrf, "t": "ws:bench", "text": text, "product": args.product, "fields": args.fields}.items()})
            assert answer.status_code == 200, answer.text[:200]
            assert answer.json()["saved"] == "ws:bench", answer.json()
            return answer

        results = {}
        for name, fn in (("preview", preview), ("check", check), ("save", save), ("HTTP save", http_save)):
            fn()  # warm-up: fonts, the sample photo, the template's own files
            results[name] = best(fn, args.repeat)
        checked = wb.check(ref, text, "bench", sample)
        print(f"promo-banner + strip: {sizes} sizes ({', '.join(f'{s.width}x{s.height}' for s in checked.sizes)}), "
              f"sample {args.product} / {args.fields}; previews "
              f"{', '.join(f'{round(s.width * s.scale)}x{round(s.height * s.scale)}' for s in checked.sizes)}, "
              f"{sum(len(s.png) for s in checked.sizes) // 1024} KB of PNG; best of {args.repeat}")
        for name, seconds in results.items():
            print(f"  {name:10} {seconds * 1000:7.0f} ms  {seconds * 1000 / sizes:6.0f} ms/size  "
                  f"x{seconds / results['preview']:.2f} of preview")
        verdict = "within" if results["HTTP save"] < 1.0 else "OVER"
        print(f"a save re-renders every size in {results['HTTP save'] * 1000:.0f} ms: {verdict} the 1 s target")


def _client(root: Path) -> object:
    from starlette.testclient import TestClient  # noqa: PLC0415 - the studio's optional packages

    return TestClient(studio_app(load_workspace(root)), base_url="http://127.0.0.1")


def _token(client: object) -> str:
    page = client.get("/templates?t=ws:bench").text  # type: ignore[attr-defined]
    found = re.search(r'data-csrf="([^"]+)"', page)
    assert found
    return found.group(1)


if __name__ == "__main__":
    main()
