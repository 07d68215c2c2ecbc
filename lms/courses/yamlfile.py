"""Safe YAML loading that remembers the line of every key and item, refuses duplicate keys and bounds aliases."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

#: Most nodes a file may expand to; aliases that point at big subtrees count every time they are used,
#: so a "billion laughs" file is refused instead of eating the machine's memory.
MAX_NODES = 50_000
#: Deepest nesting of mappings and lists; a recursive alias (`a: &a [*a]`) would otherwise never end.
MAX_DEPTH = 50
#: The only collection tags accepted; anything else (`!!python/object:...`, `!!set`, `!!omap`) is refused.
PLAIN_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Path = tuple  # a path into the document: keys and list indices

_STR_TAG = "tag:yaml.org,2002:str"

#: The first characters for which the safe loader may read a plain value as something else than a string
#: (true, null, 12, 1.5, 2026-01-01, ~, <<, =). None among them would mean a resolver for any first character.
_IMPLICIT_FIRST = frozenset(yaml.SafeLoader.yaml_implicit_resolvers)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it (faster)
    """The safe loader, answering the common case of its tag resolution (a plain string) without the general search.

    Composing calls the resolver once per value; most values are text, which the safe loader's resolvers can only
    call a string. The answers are the same as the safe loader's: it has no path resolvers.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and None not in _IMPLICIT_FIRST and (
                not implicit[0] or (value and value[0] not in _IMPLICIT_FIRST)):
            return _STR_TAG
        return super().resolve(kind, value, implicit)


class YAMLProblem(ValueError):
    """A YAML file could not be read; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """Plain Python data from a YAML file, with the line of every path in it."""

    data: object
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: tuple) -> int:
        """The line of the deepest known part of `path` (parts the file does not contain are skipped)."""
        best = self.lines.get((), 1)
        current: tuple = ()
        for part in path:
            candidate = (*current, part)
            if candidate in self.lines:
                current = candidate
                best = self.lines[candidate]
        return best


def load(text: str, *, first_line: int = 1) -> Document:
    """Parse YAML text with the safe loader; raise YAMLProblem with the line of the first problem.

    `first_line` is the line of `text`'s first line in its file (for front matter inside a Markdown file).
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        raise YAMLProblem(line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:  # the composer recurses once per nesting level
        raise YAMLProblem(first_line, "the YAML nests too deeply") from None
    finally:
        loader.dispose()
    doc = Document(data=None)
    if root is None:
        return doc
    budget = [MAX_NODES]
    constructor = yaml.SafeLoader("")
    doc.data = _build(root, (), doc.lines, budget, constructor, first_line)
    return doc


def _scalar(node, constructor, offset):
    if node.tag == _STR_TAG:  # most values: what the safe constructor would return, without its bookkeeping
        return node.value
    try:
        return constructor.construct_object(node)
    except yaml.constructor.ConstructorError as exc:
        raise YAMLProblem(node.start_mark.line + offset, f"unsupported value: {exc.problem}") from None


def _build(node, path, lines, budget, constructor, offset):
    budget[0] -= 1
    if budget[0] < 0:
        raise YAMLProblem(node.start_mark.line + offset, "the YAML expands to too many values (aliases?)")
    if len(path) > MAX_DEPTH:
        raise YAMLProblem(node.start_mark.line + offset, "the YAML nests too deeply (a recursive alias?)")
    lines[path] = node.start_mark.line + offset
    if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_COLLECTION_TAGS:
        raise YAMLProblem(node.start_mark.line + offset, f"unsupported tag {node.tag!r}")
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YAMLProblem(key_node.start_mark.line + offset, "keys must be plain values")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YAMLProblem(key_node.start_mark.line + offset, "merge keys (<<) are not supported")
            key = _scalar(key_node, constructor, offset)
            if key in result:
                raise YAMLProblem(key_node.start_mark.line + offset, f"duplicate key {key!r}")
            key_path = (*path, key)
            result[key] = _build(value_node, key_path, lines, budget, constructor, offset)
            lines[key_path] = key_node.start_mark.line + offset
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, budget, constructor, offset) for i, item in enumerate(node.value)]
    return _scalar(node, constructor, offset)
