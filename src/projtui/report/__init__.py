"""The quarterly performance report: a plain model (``model``) and its renderers (``markdown``, ``html``).

``html`` renders the Jinja2 templates in ``templates/``; it is the only
module that imports Jinja2.

Sits beside ``snapshot``: it reads a snapshot ``Document`` and the domain
rules, never the database, the services or the UI. Import the submodule you
need; this package imports nothing, so ``projtui report`` pays only for what
it renders.
"""
