"""Time an operator's request: 10 products for Tmall and JD (6 presets, 60 files), checks and proof included.

    python benchmarks/request.py [--products 10] [--repeat 3]

Prints wall times (best of --repeat) and ratios measured in the same run:
  floor    decode each input once + encode every file's final pixels at the quality the byte budget
           landed on: the cost no renderer can avoid
  request  `artpipe request` end to end (render, encode within byte budgets, check every file on its bytes,
           proof.html and proof.png) with --jobs 1 and with every core
  proof    of which: the proof page and the contact sheet alone
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from baselines import best
from PIL import Image

from artpipe.api import run_request
from artpipe.report.proof import proof_page, proof_sheet
from artpipe.run.pool import default_jobs

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = sorted((ROOT / "samples" / "photos").iterdir())
HEADLINES = ["双11 北欧陶瓷马克杯", "真皮托特包 通勤百搭", "春季焕新 全场五折起", "轻量跑鞋 透气网面", "无线降噪耳机",
             "简约石英腕表", "Leather tote, hand-stitched", "保温杯 24小时保冷", "纯棉T恤 三件装", "香薰蜡烛礼盒"]


def write_request(folder: Path, products: int) -> Path:
    """A request for Tmall and JD with ``products`` products cycling through the sample photos."""
    shutil.copytree(ROOT / "samples", folder / "samples")
    lines = ["campaign: bench", "merchant: MAISON", "brand: ../brands/maison.yaml", "platforms: [tmall, jd]",
             "products:"]
    for i in range(products):
        text = json.dumps(HEADLINES[i % len(HEADLINES)], ensure_ascii=False)  # a JSON string is YAML too
        lines.append(f"  - {{sku: p{i + 1:02d}, product: ../photos/{PHOTOS[i % len(PHOTOS)].name}, headline: {text}, "
                     f"price: ¥{19 + 10 * i}.90, title: {text}, point1: 品质保证}}")
    path = folder / "samples" / "requests" / "bench.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def floor(inputs: list[Path], finals: list[tuple[Image.Image, int]]) -> None:
    for src in inputs:
        with Image.open(src) as im:
            im.load()
    for image, quality in finals:
        image.save(io.BytesIO(), "JPEG", quality=quality, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        request = write_request(Path(tmp), args.products)
        first = run_request(request, Path(tmp) / "first", jobs=cores)
        report = json.loads((first.root / "report.json").read_text(encoding="utf-8"))
        landed = {e["output"]: e["quality"] for item in report["items"] for e in item.get("encoded", [])}
        outputs = [o for item in report["items"] for o in item["outputs"]]
        finals = []
        for output in outputs:
            with Image.open(output) as im:
                finals.append((im.convert("RGB"), landed.get(output, 90)))
        inputs = sorted({PHOTOS[i % len(PHOTOS)] for i in range(args.products)})
        failing = sum(1 for item in report["items"] for c in item.get("checks", []) if not c["pass"])
        t_floor = best(lambda: floor(inputs, finals), args.repeat)
        t_proof = best(lambda: (proof_page(first.root, "bench", "", ""), proof_sheet(first.products)),
                       args.repeat)
        t_one = best(lambda: run_request(request, Path(tmp) / "one", jobs=1), args.repeat)
        t_all = best(lambda: run_request(request, Path(tmp) / "all", jobs=cores), args.repeat)
    n = len(outputs)
    print(f"request: {args.products} products x Tmall + JD = {n} files ({failing} failing a rule), {cores} cores, "
          f"{os.cpu_count()} CPUs seen")
    print(f"{'':26}{'seconds':>9}{'ms/file':>9}")
    for name, t in [("floor (decode+encode)", t_floor), ("proof page + sheet", t_proof),
                    ("artpipe request --jobs 1", t_one), (f"artpipe request --jobs {cores}", t_all)]:
        print(f"{name:26}{t:9.2f}{t / n * 1000:9.1f}")
    print(f"request --jobs 1 / floor:    {t_one / t_floor:.2f}x")
    print(f"speed-up --jobs {cores} vs 1:     {t_one / t_all:.2f}x")


if __name__ == "__main__":
    main()
