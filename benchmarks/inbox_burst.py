"""Drop a burst of 12-megapixel photos into a watched inbox; report files per second and latency.

    python benchmarks/inbox_burst.py [--count 24] [--workers N]

In the same run, the same files are rendered by ``artpipe render`` (a job, no inbox), so the ratio shows
what settling, the ledger, fsyncs and moves add. Latency is from "stable" to "outputs written", per file,
from the ledger. Photos are generated like benchmarks/normalize_decode.py's (4032 x 3024, EXIF 6 on half).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from normalize_decode import camera_photo  # noqa: E402

from artpipe.api import render_job  # noqa: E402
from artpipe.config import init_workspace, load_workspace  # noqa: E402
from artpipe.inbox.ledger import Ledger  # noqa: E402
from artpipe.inbox.watch import Watcher  # noqa: E402
from artpipe.run.jobs import load_job  # noqa: E402
from artpipe.run.pool import default_jobs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--workers", type=int, default=default_jobs())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        photos = base / "photos"
        photos.mkdir()
        for i in range(min(args.count, 6)):
            camera_photo(photos / f"cam{i:03d}.jpg", i)
        for i in range(6, args.count):  # copies with a byte changed, so none is a duplicate
            data = bytearray((photos / f"cam{i % 6:03d}.jpg").read_bytes())
            data[-3] = i % 256
            (photos / f"cam{i:03d}.jpg").write_bytes(bytes(data))
        rows = "".join(f"  - {{sku: s{i:03d}, product: photos/{p.name}}}\n"
                       for i, p in enumerate(sorted(photos.iterdir())))
        (base / "job.yaml").write_text(f"templates: [product-main]\nproducts:\n{rows}")
        started = time.perf_counter()
        render_job(load_job(base / "job.yaml"), base / "rendered", jobs=args.workers)
        t_render = time.perf_counter() - started

        root = base / "studio"
        config = init_workspace(root)
        config.write_text(config.read_text().replace("settle_seconds: 1.5", "settle_seconds: 0.5")
                          .replace("sidecar_wait_seconds: 3", "sidecar_wait_seconds: 0"))
        for p in sorted(photos.iterdir()):
            shutil.copy(p, root / "inbox" / p.name)
        time.sleep(0.6)  # the burst has landed and settled
        started = time.perf_counter()
        Watcher(load_workspace(root), workers=args.workers, log=lambda _line: None).run(once=True)
        t_inbox = time.perf_counter() - started
        ledger = Ledger(root / ".artpipe" / "ledger.db")
        lat = sorted(ledger.latency_ms())
        ledger.close()
    n = args.count
    print(f"burst of {n} photos (4032x3024) into product-main (800 + 2000 px), {args.workers} workers")
    print(f"artpipe render (no inbox):  {t_render:6.1f} s  {n / t_render:5.2f} files/s")
    print(f"watched inbox (--once):     {t_inbox:6.1f} s  {n / t_inbox:5.2f} files/s")
    print(f"inbox / render:             {t_inbox / t_render:.2f}x")
    print(f"latency stable -> outputs:  p50 {lat[len(lat) // 2]:.0f} ms, p95 {lat[int(len(lat) * 0.95) - 1]:.0f} ms "
          "(includes waiting in the burst's queue)")


if __name__ == "__main__":
    main()
