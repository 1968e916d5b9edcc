"""A RAG rating as text: a shape, a colour and a word, so it reads in monochrome and to colour-blind users.

The colours are the theme's (error, warning, success, primary), so they
must follow a theme switch (ctrl+t, or the palette's theme picker):
`rag_content` names the theme's variables and is coloured when it is drawn;
a `Text` from `rag_text` keeps the colours it was built with, so a widget
that stores one draws it again on `on_theme_change`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.style import Style
from rich.text import Text
from textual.content import Content
from textual.dom import DOMNode

from projtui.domain.enums import Rag
from projtui.domain.rag import rag_caption

# Used when no theme is at hand (e.g. a plain Rich console); mid-tones that read on dark and light backgrounds.
DEFAULT_RAG_STYLES: Mapping[Rag, Style] = {
    Rag.RED: Style(color="#d7263d", bold=True),
    Rag.AMBER: Style(color="#d98c00", bold=True),
    Rag.GREEN: Style(color="#2e9e44", bold=True),
    Rag.COMPLETE: Style(color="#3a7bd5", bold=True),
    Rag.NOT_SET: Style(dim=True),
}

# Theme variables (App.theme_variables) that colour each rating.
_THEME_VARIABLES = {Rag.RED: "error", Rag.AMBER: "warning", Rag.GREEN: "success", Rag.COMPLETE: "primary"}


def on_theme_change(node: DOMNode, repaint: Callable[[], object]) -> None:
    """Call `repaint` once the app has switched theme (its variables already the new ones), while `node` is mounted."""
    node.app.theme_changed_signal.subscribe(node, lambda _theme: repaint())


def rag_content(rag: Rag, *, word: bool = True) -> Content:
    """The rating as Content in the theme's colour, resolved whenever it is drawn (so no repaint is needed)."""
    name = _THEME_VARIABLES.get(rag)
    return Content.styled(rag_caption(rag) if word else rag.symbol, f"bold ${name}" if name else "dim")


def rag_styles(theme_variables: Mapping[str, str] | None) -> dict[Rag, Style]:
    """Styles for each rating in the current theme (so light and dark themes both read well)."""
    styles = dict(DEFAULT_RAG_STYLES)
    if not theme_variables:
        return styles
    for rag, name in _THEME_VARIABLES.items():
        colour = theme_variables.get(name)
        if colour:
            try:
                styles[rag] = Style(color=colour, bold=True)
            except Exception:  # a colour Rich cannot parse: keep the default
                pass
    return styles


def rag_text(rag: Rag, *, styles: Mapping[Rag, Style] | None = None, word: bool = True) -> Text:
    """The rating as a Text: symbol (and word) in the rating's colour."""
    style = (styles or DEFAULT_RAG_STYLES)[rag]
    return Text(rag_caption(rag) if word else rag.symbol, style=style, no_wrap=True, end="")
