"""The committed generated code matches the .proto sources (`make protos` regenerates it)."""

import filecmp
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_generated_code_is_not_stale(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_protos"] = module
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(ROOT / "protos")
        for p in (ROOT / "protos").glob("crm/**/*")
        if p.is_file() and p.suffix in {".py", ".pyi"}
    )
    assert fresh, "protoc produced nothing"
    assert fresh == committed, "generated files differ from the committed set: run `make protos`"
    stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / p, ROOT / "protos" / p, shallow=False)]
    assert stale == [], f"stale generated code, run `make protos`: {stale}"
