"""Babel extractor for the hub's catalog (see ``babel.cfg`` and ``docs/translating.md``).

Takes what a person reads from the Python source:

* ``_("...")``, ``N_("...")`` and ``ngettext("...", "...", n)`` calls anywhere;
* in ``logistics/cli/``: every ``help="..."`` and ``show_default="..."`` text and the
  docstring of every command (a function taking Typer options), split into paragraphs and
  example comments exactly as :mod:`logistics.cli.help_text` shows them.

A translated call must hold a literal string (placeholders are ``{name}``, filled by
``.format``), so the catalog can know the sentence.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from logistics.cli.help_text import example_comments, paragraphs

_CALLS = {"_", "N_"}
_HELP_KEYWORDS = {"help", "show_default", "rich_help_panel"}


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A Typer command or callback: decorated as one (``@app.command()``), or its
    parameters are typed as Typer options (commands registered by ``register``)."""
    for decorator in node.decorator_list:
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(called, "attr", None) in ("command", "callback"):
            return True
    for arg in node.args.args + node.args.kwonlyargs:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if "typer." in annotation or "Annotated" in annotation:
            return True
    return False


def messages(source: str, *, cli: bool) -> Iterator[tuple[int, str, str | tuple[str, str]]]:
    """(line, function name, message or (singular, plural)) for each text in ``source``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in _CALLS and node.args:
                text = _text(node.args[0])
                if text:
                    yield node.lineno, name, text
            elif name == "ngettext" and len(node.args) >= 2:
                one, many = _text(node.args[0]), _text(node.args[1])
                if one and many:
                    yield node.lineno, "ngettext", (one, many)
            if cli:
                for keyword in node.keywords:
                    text = _text(keyword.value) if keyword.arg in _HELP_KEYWORDS else None
                    if text and any(ch.isalpha() for ch in text):
                        yield keyword.value.lineno, "_", text
        elif cli and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                line = node.body[0].lineno
                for example, block in paragraphs(doc):
                    for text in example_comments(block) if example else [block]:
                        yield line, "_", text


def extract(fileobj, keywords, comment_tags, options):
    """The Babel extraction method (``[logistics.i18n_extract:extract: ...]``)."""
    del keywords, comment_tags
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    cli = options.get("cli", "false").lower() == "true"
    for line, function, message in messages(source, cli=cli):
        yield line, function, message, []
