"""The terminal app (Textual): screens and widgets over the services layer.

Nothing here touches SQL: every read and write goes through
`projtui.services`, from thread workers, and user text is always rendered
as data (`rich.text.Text` / `Content`), never as markup.
"""
