"""`projtui serve`: the app in a web browser, behind a login (textual-serve, aiohttp).

`server.py` is the server; `logins.py` its login sessions and the throttle
on failed logins; `addresses.py` where it listens and which origins it
trusts; `templates/` its pages (textual-serve's, with fonts from `fonts/`,
and the login form).
"""
