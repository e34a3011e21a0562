"""core/ must stay importable without a database, Qt or a network client (docs/ARCHITECTURE.md §2)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("sqlalchemy", "alembic", "psycopg", "PySide6", "requests", "httpx", "urllib3", "http.client", "local_db")


def test_core_imports_nothing_impure():
    modules = sorted(p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        + "".join(f"import core.{m}\n" for m in modules)
        + f"bad = [m for m in {FORBIDDEN!r} if m in sys.modules]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulls in: {out.stdout.strip()}"
