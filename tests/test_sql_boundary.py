"""SQL lives only in bot/store/: no SQL text, no database connection, no `.execute(` on one,
anywhere else in bot/ (the seam a second engine plugs into, issue 12)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
STORE = BOT / "store"

SQL = re.compile(
    r"\bSELECT\b[\s\S]+\bFROM\b"
    r"|\bINSERT\s+(OR\s+\w+\s+)?INTO\b"
    r"|\bUPDATE\s+\w+\s+SET\b"
    r"|\bDELETE\s+FROM\b"
    r"|\bPRAGMA\s+\w+"
    r"|\bCREATE\s+(TEMP\s+)?(TABLE|INDEX|UNIQUE|VIRTUAL|TRIGGER|VIEW)\b"
    r"|\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED|TRANSACTION)\b"
    r"|\bMATCH\s+\?"
)
DB_CALLS = {"execute", "executemany", "executescript"}
DB_MODULES = {"sqlite3", "sqlite_utils", "psycopg", "psycopg_pool", "apsw"}


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _reaches_in(node: ast.Attribute) -> bool:
    """`x.conn`, or `store.db` / `self.store.db` (a store's connection; `args.db` is a path)."""
    if node.attr == "conn":
        return True
    owner = node.value
    name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    return node.attr == "db" and str(name).endswith("store")


def problems(path: Path) -> list[str]:
    """Each place in one module that holds SQL or reaches into a database connection."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docs = _docstrings(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(BOT.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docs and SQL.search(node.value):
                found.append(f"{where}: SQL text {node.value[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in DB_CALLS:
                found.append(f"{where}: .{node.func.attr}(")
        elif isinstance(node, ast.Attribute) and _reaches_in(node):
            found.append(f"{where}: .{node.attr}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                if name and name.split(".")[0] in DB_MODULES:
                    found.append(f"{where}: imports {name}")
    return found


def test_no_sql_outside_the_store() -> None:
    outside = [p for p in sorted(BOT.rglob("*.py")) if STORE not in p.parents]
    assert len(outside) > 50
    found = [line for path in outside for line in problems(path)]
    assert found == []


def test_the_check_sees_the_store_sql() -> None:
    """The same check over bot/store/ finds each kind of thing it looks for."""
    found = "\n".join(line for path in sorted(STORE.rglob("*.py")) for line in problems(path))
    for kind in ("SQL text 'SELECT", "SQL text 'INSERT", "SQL text 'UPDATE", "SQL text 'DELETE"):
        assert kind in found
    assert "SQL text 'PRAGMA" in found and "SQL text 'BEGIN IMMEDIATE" in found
    assert ".execute(" in found and ".conn" in found and "imports sqlite3" in found
    sample = ast.parse("store.db.x\nself.store.db.y\nargs.db\n")
    reached = [n for n in ast.walk(sample) if isinstance(n, ast.Attribute) and _reaches_in(n)]
    assert len(reached) == 2
