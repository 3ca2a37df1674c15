"""The fonts a phone downloads to show the proof of a Chinese campaign with two products, and the time to cut them.

    python benchmarks/proof_fonts.py

Renders the Double 11 sample request (two products, Tmall and JD) under a Chinese campaign name, builds its proof
page, and prints the bytes of the fonts the page carries next to the baseline measured in the same run: the two
whole CJK faces the studio's pages linked before (what a browser fetched for any page with a Chinese character).
Then the time to cut the page's subsets with nothing cached, and again from the cache.
"""

from __future__ import annotations

import base64
import re
import tempfile
import time
from pathlib import Path

from artpipe.api import run_request
from artpipe.report import pagefonts
from artpipe.report.proof import proof_page
from artpipe.text.fonts import face_path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = (ROOT / "samples" / "requests" / "double11.yaml").read_text(encoding="utf-8")
        request = Path(tmp) / "double11.yaml"
        request.write_text(source.replace("campaign: double11", "campaign: 双十一大促")
                           .replace("../", f"{ROOT / 'samples'}/"), encoding="utf-8")
        root = run_request(request, Path(tmp) / "out", jobs=1).root
        page = proof_page(root, "双十一大促", "MAISON", "11-05 18:00")
    fonts = [base64.b64decode(b) for b in re.findall(r"data:font/woff2;base64,([A-Za-z0-9+/=]+)", page)]
    baseline = sum(face_path("sans", w).stat().st_size for w in ("regular", "bold"))
    after = sum(len(f) for f in fonts)
    print(f"fonts per proof: {after / 1024:.1f} KB in {len(fonts)} subsets; before: {baseline / 2**20:.1f} MB "
          f"(both CJK faces); ratio 1:{baseline / after:.0f}")
    bare = re.sub(r"<style>\n@font-face.*?</style>\n", "", page, flags=re.DOTALL)
    pagefonts._subset.cache_clear()
    start = time.perf_counter()
    pagefonts.embed_fonts(bare)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    pagefonts.embed_fonts(bare)
    warm = time.perf_counter() - start
    print(f"cutting them: {cold * 1000:.0f} ms with nothing cached, {warm * 1000:.1f} ms from the cache")


if __name__ == "__main__":
    main()
