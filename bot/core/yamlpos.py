"""YAML to plain values, remembering where each key and item stood.

PyYAML's safe loader forgets positions and silently keeps the last of two duplicate keys;
users of rule and configuration files need both errors pointed at a line, so we build the
values from the composed node tree ourselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One error in a file, with its position (1-based line and column)."""

    file: str
    line: int
    column: int
    message: str
    detail: str = ""  # extra lines, e.g. a query with a caret under the position

    def __str__(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{head}\n{self.detail}" if self.detail else head


class YamlFileError(Exception):
    """A file that could not be read as YAML; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Document:
    """Plain values plus the position of every mapping key and sequence item."""

    file: str
    value: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, path: Path, message: str, detail: str = "") -> Problem:
        line, column = self.where(path)
        return Problem(self.file, line, column, message, detail)


def load_document(text: str, file: str) -> Document:
    """Parse `text`; raise YamlFileError naming file, line and column on bad YAML."""
    loader = yaml.SafeLoader(text)
    doc = Document(file=file, value=None)
    try:
        root = loader.get_single_node()
        doc.positions[()] = (1, 1)
        if root is not None:
            doc.value = _build(loader, root, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        raise YamlFileError([Problem(file, line, column, f"YAML syntax: {message}")]) from None
    except yaml.YAMLError as exc:
        raise YamlFileError([Problem(file, 1, 1, f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    return doc


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path, doc: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                mark = key_node.start_mark
                raise YamlFileError(
                    [Problem(doc.file, mark.line + 1, mark.column + 1, "keys must be scalars")]
                )
            key = str(key) if not isinstance(key, str) else key
            mark = key_node.start_mark
            if key in out:
                line, column = mark.line + 1, mark.column + 1
                first = doc.positions.get((*path, key), (0, 0))[0]
                raise YamlFileError(
                    [
                        Problem(
                            doc.file, line, column, f"duplicate key {key!r} (first at line {first})"
                        )
                    ]
                )
            doc.positions[(*path, key)] = (mark.line + 1, mark.column + 1)
            out[key] = _build(loader, value_node, (*path, key), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for index, item in enumerate(node.value):
            mark = item.start_mark
            doc.positions[(*path, index)] = (mark.line + 1, mark.column + 1)
            items.append(_build(loader, item, (*path, index), doc))
        return items
    return loader.construct_object(node, deep=True)
