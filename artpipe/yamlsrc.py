"""Parse YAML safely, remembering where every key and value came from.

Templates and jobs are shared between merchants and agencies, so YAML is treated as hostile input:
only the safe tags, no anchors or aliases (alias bombs), no duplicate keys (PyYAML silently keeps the
last one), bounded size and depth. Mappings come back as ``YMap`` and lists as ``YList``: plain
``dict``/``list`` subclasses that also carry the file and the (line, col) of each entry, so errors
found much later still point at the exact spot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from artpipe.defaults import settings
from artpipe.errors import ConfigError, Problem

Mark = tuple[int, int]


class YMap(dict[str, Any]):
    """A YAML mapping with the position of each key and value (1-based line, col).

    ``folder`` is the directory of the file it was read from: paths written in it are relative to that
    folder, which matters once a template extends another one in a different folder.
    """

    def __init__(self, file: str, mark: Mark, folder: Path | None = None) -> None:
        super().__init__()
        self.file = file
        self.mark = mark
        self.folder = folder
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}
        self.value_folders: dict[str, Path | None] = {}  # differs per key once two files are merged

    def merged(self, other: YMap, *, origin: YMap | None = None) -> YMap:
        """A copy with ``other``'s entries laid over this one's; marks and folders travel with each value.

        The result says it comes from ``origin`` (default: this mapping), for messages about it as a whole.
        """
        origin = origin or self
        out = YMap(origin.file, origin.mark, origin.folder)
        for src in (self, other):
            for key, value in src.items():
                out[key] = value
                out.key_marks[key] = src.key_marks.get(key, src.mark)
                out.value_marks[key] = src.value_marks.get(key, src.mark)
                out.value_folders[key] = src.value_folders.get(key, src.folder)
        return out


class YList(list[Any]):
    """A YAML sequence with the position of each item."""

    def __init__(self, file: str, mark: Mark) -> None:
        super().__init__()
        self.file = file
        self.mark = mark
        self.item_marks: list[Mark] = []


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases while composing."""

    def __init__(self, stream: str, file: str, folder: Path | None) -> None:
        super().__init__(stream)
        self.file = file
        self.folder = folder

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line, col = event.start_mark.line + 1, event.start_mark.column + 1
            raise ConfigError([Problem(self.file, line, col, "", "YAML anchors and aliases (&name, *name) are "
                                       "not allowed", "write the value out in full")])
        node: yaml.Node | None = super().compose_node(parent, index)
        return node


def _convert(node: yaml.Node, loader: _Loader, depth: int) -> Any:
    file = loader.file
    if depth > settings().yaml.max_depth:
        line, col = _mark(node)
        raise ConfigError([Problem(file, line, col, "", "nesting is too deep", "flatten the file")])
    if isinstance(node, yaml.MappingNode):
        out = YMap(file, _mark(node), loader.folder)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                raise ConfigError([Problem(file, line, col, "", "a key must be plain text")])
            # The raw text, so keys like `800`, `on` or `no` stay strings instead of YAML 1.1 ints/bools.
            key = str(key_node.value)
            if key in out:
                line, col = _mark(key_node)
                first = out.key_marks[key][0]
                raise ConfigError([Problem(file, line, col, key, f"duplicate key (first defined at line {first})",
                                           "keep one of them")])
            out[key] = _convert(value_node, loader, depth + 1)
            out.key_marks[key] = _mark(key_node)
            out.value_marks[key] = _mark(value_node)
            out.value_folders[key] = loader.folder
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = YList(file, _mark(node))
        for item in node.value:
            seq.append(_convert(item, loader, depth + 1))
            seq.item_marks.append(_mark(item))
        return seq
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        line, col = _mark(node)
        raise ConfigError([Problem(file, line, col, "", f"unsupported YAML tag {node.tag}",
                                   "use plain values")]) from exc
    except ValueError as exc:  # Python refuses to read integers of more than 4300 digits
        line, col = _mark(node)
        raise ConfigError([Problem(file, line, col, "", "a number too long to read",
                                   "write it with fewer digits, or quote it as text")]) from exc


def parse_yaml(text: str, file: str, folder: Path | None = None) -> Any:
    """Parse YAML text into YMap/YList/scalars; raise ConfigError with file:line on any problem (a hostile
    file too: control characters, thousands of nested brackets, numbers of thousands of digits)."""
    try:
        loader = _Loader(text, file, folder)  # the reader refuses control characters right here
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, 0, 0, "", f"not plain YAML text ({str(exc).splitlines()[0]})",
                                   "remove control characters from the file")]) from exc
    try:
        node = loader.get_single_node()
        if node is None:
            return YMap(file, (1, 1), folder)
        return _convert(node, loader, 0)
    except RecursionError as exc:  # PyYAML composes nested brackets recursively, before our depth check
        raise ConfigError([Problem(file, 0, 0, "", "nesting is too deep", "flatten the file")]) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ConfigError([Problem(file, line, col, "", f"YAML syntax: {exc.problem or exc.context}",
                                   "check indentation and quotes")]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(file, 0, 0, "", f"YAML error: {exc}")]) from exc
    finally:
        loader.dispose()


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Read and parse a YAML file with the size limit applied before reading."""
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > settings().yaml.max_bytes:
            raise ConfigError([Problem(file, 0, 0, "", f"file is {size} bytes, more than the "
                                       f"{settings().yaml.max_bytes} allowed", "split it up")])
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([Problem(file, 0, 0, "", f"cannot read: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(file, 0, 0, "", "not UTF-8 text", "save the file as UTF-8")]) from exc
    return parse_yaml(text, file, path.resolve().parent)


def load_mapping(path: Path, what: str, display: str | None = None, *, text: str | None = None) -> YMap:
    """A YAML file whose top level must be a mapping (a job, a template, a config...); ``what`` names it in
    the error: '<file>:1:1: a job must be a mapping of keys'. ``text``: the file's text as edited, read instead
    of the file (within the same size limit)."""
    file = display or str(path)
    if text is None:
        data = load_yaml(path, display)
    elif len(text.encode("utf-8")) > settings().yaml.max_bytes:
        raise ConfigError([Problem(file, 0, 0, "", f"the text is more than the {settings().yaml.max_bytes} bytes "
                                   "allowed", "split it up")])
    else:
        data = parse_yaml(text, file, path.resolve().parent)
    if not isinstance(data, YMap):
        raise ConfigError([Problem(file, 1, 1, "", f"{what} must be a mapping of keys")])
    return data

