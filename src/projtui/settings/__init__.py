"""The settings: config.toml and the PROJTUI_* variables (see README, "Settings").

* ``model`` - the pydantic-settings model: the one home of every key's type, default, variable and rule;
* ``names`` - the theme names and key binding ids the model accepts (below the UI, so no Textual);
* ``cache`` - the model's last answer, so a start that changed nothing does not pay for pydantic;
* ``location`` - where the file is, and what a cache entry is keyed on;
* ``theme_file`` - saving the theme chosen in the app, keeping the rest of the file as written.

``projtui.config.load_settings`` is the front door.
"""
