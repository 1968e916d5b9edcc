"""Every SQL statement the services run, one module per subject.

A service opens the transaction (`Database.transaction` / `reading`), checks
its rules, locks and audits; the statements it runs are named functions
here, so table and column names are spelled in the store alone.

Two kinds of module live here. The portfolio's first screen reads plain SQL
text through `Database.fetch` (`plain`, `portfolio`, `portfolio_benefits`):
these import no SQLAlchemy, so `projtui` draws the portfolio before loading
it (tests/test_architecture.py checks). The rest build SQLAlchemy
statements on the `store.tables` models and take the service's `Session`.
"""
