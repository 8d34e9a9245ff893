"""The hub's states and directions are named once, in ``logistics/domain``.

Outside the domain (and the migrations, which must keep the words a past release
stored), code compares and assigns them through the enums, never as quoted strings:
a typo in ``== "at_hbu"`` would otherwise be a silent bug, and a renamed state would
leave stale copies behind. This test reads every module's syntax tree and names the
file and line of each quoted status, direction, load outcome or scan verdict used
in a comparison, an ``in`` test, a status/direction keyword or an assignment to a
status/direction name.
"""

from __future__ import annotations

import ast
from pathlib import Path

from logistics.domain.manifest_status import ManifestStatus
from logistics.domain.parcel_status import Direction, Status
from logistics.domain.round_status import RoundStatus
from logistics.domain.verdicts import LoadOutcome, ScanVerdict

PACKAGE = Path(__file__).resolve().parent.parent / "logistics"
EXEMPT = ("domain", "migrations")

VOCABULARY: frozenset[str] = frozenset(
    member.value
    for enum in (Direction, Status, ManifestStatus, RoundStatus, LoadOutcome, ScanVerdict)
    for member in enum
)
# Names whose value is a state or direction: `status=`, `self.direction = `, `outcome`...
_STATE_NAMES = ("status", "direction", "outcome", "verdict")


def _is_word(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in VOCABULARY


def _words_in(node: ast.AST) -> bool:
    """A quoted word itself, or a tuple/set/list/frozenset(...) holding one."""
    if _is_word(node):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_word(item) for item in node.elts)
    if isinstance(node, ast.Call) and node.args and not node.keywords:
        callee = node.func
        if isinstance(callee, ast.Name) and callee.id in ("frozenset", "set", "tuple"):
            return _words_in(node.args[0])
    return False


def _names_a_state(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        name = target.id
    elif isinstance(target, ast.Attribute):
        name = target.attr
    else:
        return False
    return any(word in name.lower() for word in _STATE_NAMES)


def _copies(target: ast.AST, word: str) -> bool:
    return isinstance(target, ast.Name) and target.id.strip("_").lower() == word


def _assigns_a_word(targets: list[ast.expr], value: ast.expr) -> bool:
    """``status = "open"``; ``DONE = "done"`` or ``_OPEN, _CLOSED = "open", "closed"``
    (private copies of the vocabulary)."""
    if any(_names_a_state(t) for t in targets) and _words_in(value):
        return True
    if _is_word(value) and any(_copies(t, value.value) for t in targets):
        return True
    return (
        any(isinstance(t, ast.Tuple) for t in targets)
        and isinstance(value, ast.Tuple)
        and sum(_is_word(item) for item in value.elts) >= 2
    )


def _keyed_words(node: ast.Dict) -> list[tuple[int, str]]:
    """``{"status": "at_hub"}`` passed on as a filter or a row."""
    return [
        (value.lineno, f"{key.value!r}: {ast.unparse(value)}")
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and key.value.lower() in _STATE_NAMES
        and _words_in(value)
    ]


def _findings(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(_words_in(side) for side in (node.left, *node.comparators)):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.keyword):
            if node.arg and _names_a_state(ast.Name(node.arg)) and _words_in(node.value):
                found.append((node.value.lineno, f"{node.arg}={ast.unparse(node.value)}"))
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and _assigns_a_word(targets, node.value):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Dict):
            found += _keyed_words(node)
    return found


def _modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] not in EXEMPT
    )


def test_the_vocabulary_is_read_from_the_enums():
    assert {"outbound", "at_hub", "open", "handed_over", "planned", "loaded", "done"} <= VOCABULARY


def test_no_status_or_direction_is_compared_or_assigned_as_a_quoted_string():
    problems = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = path.relative_to(PACKAGE.parent)
        problems += [f"{shown}:{line}: {text}" for line, text in _findings(tree)]
    assert not problems, (
        "Use the enums of logistics/domain (Direction, Status, ManifestStatus, "
        "RoundStatus, LoadOutcome, ScanVerdict) instead of quoted words:\n" + "\n".join(problems)
    )


def test_the_check_finds_what_it_is_meant_to_find():
    source = """
if parcel.status == "at_hub": pass
if Parcel.direction != "inbound": pass
if row.status in ("open", "closed"): pass
x = select(Parcel).where(Parcel.status.in_(["a"]))
m = Manifest(status="open")
r.status = "started"
_OPEN, _CLOSED = "open", "closed"
event = {"status": "held"}
REFUSED = "refused"
"""
    found = {line for line, _ in _findings(ast.parse(source))}
    assert found == {2, 3, 4, 6, 7, 8, 9, 10}


def test_the_check_leaves_other_uses_of_the_words_alone():
    source = """
with open(path) as f: pass
headers = ["status", "direction"]
label = {"open": "开放"}
print("open")
mode = "done"
if name == "station": pass
"""
    assert _findings(ast.parse(source)) == []
