"""The README's settings table, generated from the settings table (a test keeps them equal)."""

from __future__ import annotations

from bot.settings import SETTINGS, Setting


def _default(s: Setting) -> str:
    if isinstance(s.default, tuple):
        return "[" + ", ".join(str(v) for v in s.default) + "]"
    if isinstance(s.default, bool):
        return "true" if s.default else "false"
    if isinstance(s.default, str):
        return f'"{s.default}"'
    return repr(s.default)


def settings_markdown() -> str:
    """One row per setting: name, type, accepted values, default, variables, help."""
    lines = [
        "| setting | type | accepts | default | environment | what it is |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        env = ", ".join(f"`{var}`" for var in s.env_names)
        accepts = s.accepts().replace("|", "\\|")
        lines.append(
            f"| `{s.name}` | {s.type_name} | {accepts} | `{_default(s)}` | {env} | {s.help} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(settings_markdown())
