"""The `projtui` command (contract: DESIGN.md, "CLI"), one module a command group.

* ``root`` - the Typer app: global options, the command table, ``main``;
* ``app`` - ``init``, ``demo`` and ``serve``: the database and the app;
* ``snapshots`` - ``export``, ``import`` and ``diff``;
* ``report`` and ``check``;
* ``options`` - the options, files and counts the commands share;
* ``errors`` - the one-line ``error:`` reporting, which ``entry`` uses too.

Importing this package loads nothing: ``entry`` imports ``errors`` on the
path that opens the app without Typer.
"""
