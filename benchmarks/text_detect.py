"""What finding and reading text costs per photo, against the segmentation model on the same photos.

    python benchmarks/text_detect.py [--repeat 3] [--side 640] [--words]

Over the real photos in ../shared/photos/real and ../shared/photos/real-more (a folder that is absent is skipped),
decoded once each, on one core (both models run on one onnxruntime thread), best of --repeat, in the same run:
  det        find_text: the PP-OCRv4 detector at --side px long and its post-processing
  rec        read_text on every box found (a mask would spare the boxes off the product; this is the worst case)
  judge      classify (the words and the semi-transparent overlay test) on every box read
  u2net      the baseline: the bundled U²-Net model's inference (segment.saliency) on the same photo
Prints ms per photo for each and the ratio of det + rec + judge to u2net; --words lists each photo's boxes,
the words read and what they were judged to be.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from baselines import best
from PIL import Image, ImageOps

from artpipe.imaging.segment import Segmenter, load_segmenter, saliency
from artpipe.imaging.textfind import TextBox, find_text, read_text
from artpipe.imaging.textkind import classify, finder_rules, flattened

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "photos"
FOLDERS = ("real", "real-more")
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def photos() -> list[Path]:
    """The real photos of every shared folder present, by folder and name."""
    found = []
    for name in FOLDERS:
        folder = SHARED / name
        if folder.is_dir():
            found += sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    return found


def measure(im: Image.Image, side: int, repeat: int,
            segmenter: Segmenter) -> tuple[tuple[TextBox, ...], list[tuple[str, float]], dict[str, float]]:
    """The boxes of ``im``, the words read in each, and the seconds each stage takes (best of ``repeat``)."""
    rules = finder_rules()
    found = find_text(im, side=side, rules=rules)  # also warms both sessions up for this size
    reads = [read_text(im, f.box, angle=f.angle, rules=rules) for f in found]
    times = {
        "det": best(lambda: find_text(im, side=side, rules=rules), repeat),
        "rec": best(lambda: [read_text(im, f.box, angle=f.angle, rules=rules) for f in found], repeat),
        "judge": best(lambda: [classify(im, f.box, w, c, rules=rules) for f, (w, c) in zip(found, reads, strict=True)],
                      repeat),
        "u2net": best(lambda: saliency(im, segmenter), repeat),
    }
    return found, reads, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--side", type=int, default=640)
    parser.add_argument("--words", action="store_true", help="list the boxes, words and verdicts per photo")
    args = parser.parse_args()
    paths = photos()
    if not paths:
        print(f"no photos under {SHARED}; nothing to measure")
        return
    segmenter = load_segmenter()
    totals = {"det": 0.0, "rec": 0.0, "judge": 0.0, "u2net": 0.0}
    print(f"{'photo':44} {'size':>10} {'boxes':>5} {'det':>6} {'rec':>6} {'judge':>6} {'u2net':>6}  ms")
    for path in paths:
        with Image.open(path) as opened:
            im = flattened(ImageOps.exif_transpose(opened))  # as normalize hands it on: RGB, transparency on white
        found, reads, times = measure(im, args.side, args.repeat, segmenter)
        for key, seconds in times.items():
            totals[key] += seconds
        size = f"{im.width}x{im.height}"
        row = " ".join(f"{times[k] * 1000:6.0f}" for k in ("det", "rec", "judge", "u2net"))
        print(f"{path.parent.name + '/' + path.name:44.44} {size:>10} {len(found):5d} {row}")
        if args.words:
            for f, (words, confidence) in zip(found, reads, strict=True):
                kind, overlay = classify(im, f.box, words, confidence, rules=finder_rules())
                look = " overlay" if overlay else ""
                print(f"      {f.box} score {f.score:.2f} {words!r} ({confidence:.2f}) {kind.name.lower()}{look}")
    n = len(paths)
    text = totals["det"] + totals["rec"] + totals["judge"]
    print(f"\n{n} photos, ms per photo: det {totals['det'] / n * 1000:.0f}, rec {totals['rec'] / n * 1000:.0f}, "
          f"judge {totals['judge'] / n * 1000:.0f}, text total {text / n * 1000:.0f}; "
          f"u2net {totals['u2net'] / n * 1000:.0f}")
    print(f"ratio text total / u2net inference: {text / totals['u2net']:.2f}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
