"""The names the settings accept for `theme` and as `[keymap]` ids, kept here rather than asked of Textual.

Settings are checked before the app (and so Textual) is imported: by `projtui check`,
`projtui config show`, and by `projtui` itself before it opens the app. Asking Textual
would cost every one of them the import of Textual and of every screen. A UI test
(tests/ui/test_settings_names.py) checks both lists against Textual's themes and the
ids on the app's and screens' BINDINGS, so a new binding or a Textual upgrade that
leaves them behind fails the build rather than a user's start.
"""

from __future__ import annotations

# Textual's built-in themes (textual.theme.BUILTIN_THEMES), in its order; the app registers none of its own.
THEMES = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "catppuccin-latte",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "solarized-light",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "rose-pine-dawn",
    "atom-one-dark",
    "atom-one-light",
    "ansi-dark",
    "ansi-light",
)

# Every `id=` on a BINDINGS entry of the app, its screens and widgets: what `[keymap]` may rebind.
BINDING_IDS = frozenset({
    "actual.cancel", "actual.save",
    "app.help", "app.quit", "app.theme",
    "choice.cancel", "choice.choose",
    "confirm.next", "confirm.no", "confirm.previous", "confirm.yes",
    "conflict.edit", "conflict.overwrite", "conflict.theirs",
    "form.cancel", "form.save",
    "help.close",
    "kpi.actual", "kpi.back", "kpi.commentary", "kpi.edit", "kpi.new", "kpi.reload", "kpi.targets",
    "kpis.back", "kpis.filter", "kpis.group", "kpis.new", "kpis.reload", "kpis.sort",
    "kpireview.actual", "kpireview.back", "kpireview.commentary", "kpireview.projects", "kpireview.publish",
    "kpireview.quarter_next", "kpireview.quarter_previous", "kpireview.reload", "kpireview.reopen",
    "import.cancel",
    "links.cancel", "links.save",
    "picker.cancel", "picker.primary", "picker.save", "picker.toggle",
    "plan.delete", "plan.edit", "plan.edit_plan", "plan.link", "plan.map", "plan.move_down", "plan.move_measure",
    "plan.move_up", "plan.new", "plan.new_measure", "plan.targets",
    "portfolio.ambition", "portfolio.clear", "portfolio.filter", "portfolio.golden_thread", "portfolio.group",
    "portfolio.kpis", "portfolio.leave_filter", "portfolio.link", "portfolio.new", "portfolio.reload", "portfolio.reverse", "portfolio.review",
    "portfolio.sort", "portfolio.sort_ambition", "portfolio.sort_code", "portfolio.sort_lead", "portfolio.sort_name",
    "portfolio.sort_rag", "portfolio.sort_service", "portfolio.sort_stage", "portfolio.stage", "portfolio.to_table",
    "project.back", "project.delete", "project.edit", "project.link_ambitions", "project.reload", "project.tab_ambitions",
    "project.tab_history", "project.tab_overview", "project.tab_plan", "project.tab_reviews", "project.tab_risks",
    "quit.save",
    "review.actual", "review.back", "review.clear_actual", "review.filter", "review.filter_clear", "review.measures",
    "review.next", "review.next_changed", "review.next_unreviewed", "review.previous", "review.publish",
    "review.quarter_next", "review.quarter_previous", "review.rag_amber", "review.rag_aspect", "review.rag_complete",
    "review.rag_green", "review.rag_not_set", "review.rag_red", "review.reload", "review.reopen", "review.save", "review.kpis",
    "review_filter.apply", "review_filter.cancel", "review_filter.clear",
    "risks.close", "risks.edit", "risks.issue", "risks.new",
    "table.down", "table.first", "table.last", "table.open", "table.page_down", "table.page_up", "table.up",
    "targets.clear", "targets.close", "targets.set",
    "welcome.empty", "welcome.import", "welcome.project", "welcome.sample",
    "thread.back", "thread.collapse", "thread.expand", "thread.link", "thread.open", "thread.portfolio", "thread.reload",
    "benchmarks.close", "benchmarks.remove", "benchmarks.set", "plan.benchmarks",  # issue 13: a measure's benchmarks
    "welcome.ambitions", "thread.new_ambition", "thread.new_priority", "thread.edit", "thread.delete", "thread.restore",
    "thread.move_up", "thread.move_down", "thread.new_plan",
})
