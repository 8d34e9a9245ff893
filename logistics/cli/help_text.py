"""Help pages as people read them: reflowed for the terminal and in the chosen language.

A docstring is split the same way when its sentences are extracted for the catalog
(:mod:`logistics.i18n_extract`) and when it is shown: paragraphs of prose become one
line each (one catalog entry each); indented blocks (examples) stay as written, and
only the ``# comment`` after an example is translated.
"""

from __future__ import annotations

import inspect
import re

from logistics.i18n import _

_COMMENT = re.compile(r"^(?P<code>.*?\S)?(?P<gap>\s*)#\s(?P<comment>.+)$")


def paragraphs(text: str) -> list[tuple[bool, str]]:
    """(is_example_block, paragraph) for each paragraph of a docstring."""
    blocks = []
    for block in inspect.cleandoc(text).split("\n\n"):
        example = any(line[:1].isspace() for line in block.splitlines())
        blocks.append((example, block if example else " ".join(block.split("\n"))))
    return blocks


def example_comments(block: str) -> list[str]:
    """What is translated in an example block: its unindented heading lines ("Examples:")
    and the comments after the examples, in order."""
    found = []
    for line in block.splitlines():
        match = _COMMENT.match(line)
        if not line[:1].isspace() and line.strip():
            found.append(line.strip())
        elif match:
            found.append(match["comment"].strip())
    return found


def flowing(text: str | None) -> str | None:
    """Help text ready for the terminal: prose reflowed, examples kept, all translated."""
    if not text:
        return text
    out = []
    for example, block in paragraphs(text):
        out.append(_translate_examples(block) if example else _(block))
    return "\n\n".join(out)


def _translate_examples(block: str) -> str:
    lines = []
    for line in block.splitlines():
        match = _COMMENT.match(line)
        heading = line.strip() if not line[:1].isspace() else ""
        if heading:
            line = _(heading)
        elif match:
            code, comment = match["code"] or "", match["comment"].strip()
            line = f"{code}{match['gap']}# {_(comment)}"
        lines.append(line)
    return "\n".join(lines)
