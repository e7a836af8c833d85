"""The web adapter: server-rendered pages, a JSON API and channel feeds over the store.

`create_app(deps)` builds a stand-alone aiohttp application (`newswatch web`); `install(app,
deps)` adds the same routes to another one (the daemon's health server). Everything it needs
arrives in `WebDeps`: the store, the current rules and matcher, the access token, and a page
fetcher for testing a rule on a URL. It never imports the configuration or another adapter.
"""
