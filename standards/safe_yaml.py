"""One safe YAML reader for run configs and standards profiles.

It is :class:`yaml.SafeLoader` (no code execution) with three guards:

* **Alias expansion is bounded.** A "billion laughs" document nests anchors and
  aliases so that a few hundred bytes expand to billions of nodes; PyYAML shares
  the nodes, but anything that walks the result (copying, printing, writing
  JSON) then runs for minutes into a ``MemoryError``. The loader counts alias
  uses and the number of nodes they stand for, and refuses the file as soon as
  either passes a small limit, within milliseconds.
* **Nesting is bounded** (50 levels), so ``[[[[...]]]]`` cannot exhaust the
  recursion limit of PyYAML's composer.
* **Duplicate keys are refused.** PyYAML keeps the last of two equal keys
  silently, so a setting written twice would be half-ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode

from lifecircle.spatial.errors import LifecircleError

#: Alias uses allowed in one file (a config that shares a block a few times needs far fewer).
MAX_ALIASES = 100
#: Nodes that all alias uses together may stand for.
MAX_ALIASED_NODES = 10_000
#: Nesting depth of lists and mappings (a config needs about 5; PyYAML recurses per level).
MAX_DEPTH = 50


class YamlLimitError(yaml.YAMLError):
    """A YAML document uses more aliases, expands to more nodes, or nests deeper than allowed."""


class BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader that bounds alias expansion and refuses duplicate mapping keys."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases_used = 0
        self._depth = 0
        self._aliased_nodes = 0
        self._node_sizes: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        is_alias = self.check_event(yaml.AliasEvent)
        nests = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if nests:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(
                    f"the document nests lists or mappings more than {MAX_DEPTH} levels deep"
                )
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= nests
        if is_alias and node is not None:
            self._aliases_used += 1
            self._aliased_nodes += self._expanded_size(node)
            if self._aliases_used > MAX_ALIASES or self._aliased_nodes > MAX_ALIASED_NODES:
                raise YamlLimitError(
                    f"the document uses {self._aliases_used} aliases (*name) standing for "
                    f"{self._aliased_nodes:,} nodes; at most {MAX_ALIASES} aliases and "
                    f"{MAX_ALIASED_NODES:,} nodes are allowed"
                )
        return node

    def _expanded_size(self, node: Node) -> int:
        """Nodes ``node`` stands for once every alias inside it is expanded (memoised)."""
        key = id(node)
        if key not in self._node_sizes:
            self._node_sizes[key] = 1  # a recursive alias counts once, not forever
            if isinstance(node, SequenceNode):
                size = 1 + sum(self._expanded_size(item) for item in node.value)
            elif isinstance(node, MappingNode):
                size = 1 + sum(
                    self._expanded_size(k) + self._expanded_size(v) for k, v in node.value
                )
            else:
                size = 1
            self._node_sizes[key] = size
        return self._node_sizes[key]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` may be overridden
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: SafeConstructor reports it below
                break
            if duplicate:
                raise ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice (lines {seen[key]} and "
                    f"{key_node.start_mark.line + 1}); only one value can apply",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


BoundedSafeLoader.add_constructor(
    "tag:yaml.org,2002:map", BoundedSafeLoader.construct_yaml_map
)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with :class:`BoundedSafeLoader` (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=BoundedSafeLoader)  # a SafeLoader subclass: no code runs


def read_yaml_file(path: Path, what: str, fix: str) -> Any:
    """Read one YAML file safely, turning every YAML problem into a LifecircleError.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        What the file is, for the message ("run config", "standards profile").
    fix : str
        How to repair a syntax error.

    Raises
    ------
    LifecircleError
        Unreadable text, invalid YAML, duplicate keys, or alias expansion past the limits.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LifecircleError(
            f"The {what} is not valid UTF-8 YAML: {exc}",
            where=str(path),
            fix="Save the file as UTF-8.",
        ) from exc
    try:
        return load_yaml_text(text)
    except YamlLimitError as exc:
        raise LifecircleError(
            f"The {what} was refused: {exc}. Reading it could exhaust the memory or the "
            "stack (a 'billion laughs' or deeply nested document).",
            where=str(path),
            fix="Write the values out instead of nesting anchors (&name) and aliases (*name), "
            "and nest blocks only as deep as the example configs do.",
        ) from exc
    except yaml.YAMLError as exc:
        raise LifecircleError(
            f"The {what} is not valid UTF-8 YAML: {exc}",
            where=str(path),
            fix=fix,
        ) from exc
