"""What the watched-inbox tests share: a workspace that settles fast, what is in it, one pass of the watcher, and
a watcher run as its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from artpipe.config import init_workspace, load_workspace
from artpipe.inbox.watch import Watcher

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def workspace(tmp_path: Path, extra: str = "") -> Path:
    """A workspace in ``tmp_path/studio`` whose files settle in 0.2 s and wait for no sidecar; ``extra`` is
    added to its artpipe.yaml."""
    root = tmp_path / "studio"
    config = init_workspace(root)
    text = config.read_text().replace("settle_seconds: 1.5", "settle_seconds: 0.2") \
        .replace("sidecar_wait_seconds: 3", "sidecar_wait_seconds: 0")
    config.write_text(text + extra)
    return root


def everything(root: Path) -> set[str]:
    """Every file in the workspace, relative, without artpipe's own state and the watcher's log."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_file() and ".artpipe" not in p.parts and p.name != "watch.log"}


def run_once(root: Path, workers: int = 1) -> tuple[int, list[str]]:
    """One pass of the watcher over the inbox: (files failed, the lines it logged)."""
    lines: list[str] = []
    watcher = Watcher(load_workspace(root), workers=workers, log=lines.append)
    return watcher.run(once=True), lines


def watch_process(root: Path) -> subprocess.Popen[str]:
    """``artpipe watch`` on ``root`` as its own process, logging to ``root/watch.log``."""
    # A log file, not a pipe: after a kill -9, orphaned render workers may keep a pipe open for a while.
    with (root / "watch.log").open("a") as log:  # the child keeps its own copy of the handle
        return subprocess.Popen([sys.executable, "-m", "artpipe", "watch", "--config", str(root), "--workers", "1"],
                                stdout=log, stderr=log, text=True)


def watches_inotify(pid: int) -> bool:
    """Whether process ``pid`` holds an inotify instance with a watch on something (Linux: /proc/PID/fdinfo)."""
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            info = Path(f"/proc/{pid}/fdinfo/{fd.name}")
            if os.readlink(fd) == "anon_inode:inotify" and "inotify wd:" in info.read_text():
                return True
    except OSError:
        pass  # it exited, or a file descriptor closed while we looked
    return False


def wait_for(predicate: Callable[[], object], seconds: float) -> bool:
    """Whether ``predicate`` came true within ``seconds`` (asked every 0.1 s)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
