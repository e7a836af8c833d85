"""The one compiled part: the matcher's chunk memo (bot/core/_chunkscan.c).

Optional: without a C compiler the build goes on and bot.core.lexicon uses its pure-Python
memo, which gives the same answers more slowly (`newswatch --version`, the daemon's start and
bench/match.py say which one runs). Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("bot.core._chunkscan", ["bot/core/_chunkscan.c"], optional=True),
    ]
)
