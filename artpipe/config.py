"""The workspace: ``artpipe.yaml`` names the folders, the routes and how the inbox behaves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from artpipe.cutout import Isolate, read_cutout
from artpipe.errors import ConfigError, Problem
from artpipe.imaging.encode import EncodeOptions
from artpipe.lettering import Lettering, read_lettering
from artpipe.naming import check_output_pattern
from artpipe.outformats import encodings
from artpipe.schema import Problems, Reader
from artpipe.yamlsrc import load_mapping

CONFIG_NAME = "artpipe.yaml"
TOP_KEYS = ("folders", "settle_seconds", "sidecar_wait_seconds", "timeout_seconds", "duplicates", "output", "routes",
            "presets", "incomplete_seconds", "cutout", "lang", "system_fonts", "licensed_fonts", "format",
            "public_url")
FOLDER_KEYS = ("inbox", "outbox", "archive", "failed")
ROUTE_KEYS = ("match", "templates", "sizes", "defaults", "cutout")
DUPLICATES = ("skip", "render")

EXAMPLE = """\
# artpipe workspace. Drop photos into inbox/<merchant>/...; results appear in outbox/, inputs move to
# archive/ (or failed/, with <name>.error.json saying why).
folders: {inbox: inbox, outbox: outbox, archive: archive, failed: failed}
settle_seconds: 1.5         # a file must stay unchanged this long before it is processed
sidecar_wait_seconds: 3     # how long an image waits for its sidecar (mug.yaml beside mug.jpg)
incomplete_seconds: 300     # a file unchanged this long but still incomplete (no JPEG end marker) fails: truncated
timeout_seconds: 120        # a file whose rendering takes longer (a hostile file hanging a decoder) fails
duplicates: skip            # a byte-identical re-drop: skip (archive it as a duplicate) or render again
output: "{template}-{size}.jpg"   # inside outbox/<same folder>/<photo name>/
# format: [jpeg, webp]      # write every output in each format (quality, byte budget per format: as in a job)
cutout: auto                # product isolation: auto | model | never, or {mode: auto, model: models/isnet.onnx}
# lang: ja                  # the text's language (glyph forms of Han characters): zh-Hans, zh-Hant, ja, ko
system_fonts: false         # true: this machine's fonts draw what no bundled font has (output then depends on it)
# licensed_fonts: [maison.otf]  # template-folder fonts the agency holds a licence for (no licence file beside them)
# presets: agency-presets.yaml     # marketplace presets laid over the bundled ones (for inbox/requests/*.yaml)
# public_url: https://studio.example.com   # where merchants reach the studio (behind a TLS proxy); see docs/studio.md
routes:                     # the first route whose pattern matches the path inside inbox/ wins
  - match: "*/banners/**"
    templates: [promo-banner]
    sizes: all
  - match: "**"
    templates: [product-main]
"""


@dataclass(frozen=True)
class Route:
    """Which templates and sizes a file matching ``match`` (a glob on its path inside the inbox) gets."""

    match: str
    templates: tuple[str, ...]
    sizes: str | tuple[str, ...] = "all"
    defaults: tuple[tuple[str, str], ...] = ()
    origin: str = ""
    cutout: Isolate | None = None  # None: the workspace's


@dataclass(frozen=True)
class Workspace:
    """A loaded workspace: absolute folders and the inbox's rules."""

    root: Path
    config: Path
    inbox: Path
    outbox: Path
    archive: Path
    failed: Path
    settle_seconds: float
    sidecar_wait_seconds: float
    timeout_seconds: float
    duplicates: str
    output: str
    routes: tuple[Route, ...]
    presets: Path | None = None  # an agency's presets file, for requests dropped into inbox/requests/
    incomplete_seconds: float = 300.0  # unchanged this long yet incomplete: processed anyway (and so truncated)
    cutout: Isolate = Isolate()  # how product photos are cut out, unless a route says otherwise
    lettering: Lettering = Lettering()  # the text's language, and whether system fonts may draw it
    licensed_fonts: frozenset[str] = frozenset()  # template-folder fonts licensed although no licence file says so
    encodings: tuple[EncodeOptions, ...] = (EncodeOptions(),)  # the formats outputs are written in
    public_url: str = ""  # the studio's address as merchants reach it ("": this machine only)

    @property
    def state(self) -> Path:
        """Where the ledger lives (inside the workspace, never inside the inbox)."""
        return self.root / ".artpipe"


def init_workspace(root: Path) -> Path:
    """Create the folders and an example ``artpipe.yaml``; an existing config is never overwritten."""
    root.mkdir(parents=True, exist_ok=True)
    for name in FOLDER_KEYS:
        (root / name).mkdir(exist_ok=True)
    config = root / CONFIG_NAME
    if not config.exists():
        config.write_text(EXAMPLE, encoding="utf-8")
    return config


def _routes(reader: Reader, root: Path, cutout: Isolate) -> tuple[Route, ...]:
    seq = reader.sequence("routes")  # its absence is said once, by check_keys
    out = []
    for i in range(len(seq or [])):
        route = reader.item(seq, i, f"routes[{i}]") if seq is not None else None
        if route is None:
            continue
        route.check_keys(ROUTE_KEYS, ("match", "templates"))
        names = route.names("templates", "a template name or a list of them") or []
        if not names and route.has("templates"):
            route.problem("templates", "must name at least one template")
        sizes = route.raw("sizes", "all")
        d = route.mapping("defaults")
        out.append(Route(match=route.text("match", "**") or "**", templates=tuple(str(n) for n in names),
                         sizes=sizes if isinstance(sizes, str) else tuple(str(s) for s in sizes),
                         defaults=tuple((k, str(v)) for k, v in (d.node.items() if d else [])),
                         origin=route.origin(),
                         cutout=read_cutout(route, root, cutout, "the workspace") if route.has("cutout") else None))
    return tuple(out)


def public_origin(url: str) -> str:
    """``url`` as the origin the studio is reached at (``https://studio.example.com``, ``http://10.0.0.5:8750``);
    ValueError saying what is wrong when it is not a plain http(s) origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        port, parts = -1, urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        msg = f"'{url}' is not an http(s) address like https://studio.example.com"
        raise ValueError(msg)
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        msg = f"'{url}' has more than a scheme, host and port; serve the studio at the root of its own host"
        raise ValueError(msg)
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _public_url(reader: Reader) -> str:
    url = reader.text("public_url", None)
    if not url:
        return ""
    try:
        return public_origin(str(url))
    except ValueError as exc:
        reader.problem("public_url", str(exc), "e.g. public_url: https://studio.example.com")
        return ""


def _presets_file(reader: Reader, root: Path) -> Path | None:
    name = reader.text("presets", None)
    if not name:
        return None
    path = (root / str(name)).resolve()
    if not path.is_file():
        reader.problem("presets", f"no file {path}", "give the agency presets file, relative to the workspace")
    return Path(path)


INBOX_PATTERN_KEYS = {"template", "size", "sku", "stem"}


def _output(reader: Reader) -> str:
    """The inbox's output name pattern, checked as a job's is: known placeholders only, inside the folder."""
    pattern = reader.text("output", "{template}-{size}.jpg") or "{template}-{size}.jpg"
    check_output_pattern(reader, pattern, INBOX_PATTERN_KEYS)
    return pattern


def load_workspace(config: Path) -> Workspace:
    """Load ``artpipe.yaml`` (or the folder holding it); ConfigError lists every problem."""
    path = config / CONFIG_NAME if config.is_dir() else config
    if not path.is_file():
        raise ConfigError([Problem(str(path), 0, 0, "", "no workspace config here",
                                   "create one with: artpipe init WORKSPACE")])
    data = load_mapping(path, "the config")
    problems = Problems()
    reader = Reader(data, "", problems)
    reader.check_keys(TOP_KEYS, ("routes",))
    root = path.parent.resolve()
    f = reader.mapping("folders")
    folders = {}
    for name in FOLDER_KEYS:
        rel = (f.text(name, name) if f is not None else name) or name
        folder = (root / rel).resolve()
        if not folder.is_relative_to(root):
            (f or reader).problem(name, f"'{rel}' leads outside the workspace", "keep every folder inside it")
        folders[name] = folder
    if f is not None:
        f.check_keys(FOLDER_KEYS)
    cutout = read_cutout(reader, root, Isolate(), "the workspace")
    workspace = Workspace(
        root=root, config=path, **folders, cutout=cutout, lettering=read_lettering(reader, Lettering()),
        licensed_fonts=frozenset(reader.names("licensed_fonts", "a font file name or a list of them") or []),
        settle_seconds=reader.number("settle_seconds", 1.5, minimum=0, maximum=600),
        sidecar_wait_seconds=reader.number("sidecar_wait_seconds", 3, minimum=0, maximum=600),
        incomplete_seconds=reader.number("incomplete_seconds", 300, minimum=0, maximum=86400),
        timeout_seconds=reader.number("timeout_seconds", 120, minimum=1, maximum=3600),
        duplicates=reader.choice("duplicates", DUPLICATES, "skip"),
        output=(output := _output(reader)), encodings=encodings(reader, "format", output),
        routes=_routes(reader, root, cutout), presets=_presets_file(reader, root), public_url=_public_url(reader))
    problems.raise_if_any()
    return workspace
