"""The fuzz properties of tests/test_server_fuzz.py, run longer: `python bench/fuzz_server.py [EXAMPLES]`.

schemathesis against the served /openapi.json and Hypothesis against /v1/check and
/v2/check, with EXAMPLES (default 1000) examples per property instead of the suite's 30.
Zero 5xx is the expectation; a failure prints the request that caused it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "1000"
    env = dict(os.environ, POSTGUARD_FUZZ_EXAMPLES=examples, PYTHONPATH=str(ROOT / "src"))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(ROOT / "tests" / "test_server_fuzz.py"),
    ]
    return subprocess.call(cmd, env=env, cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
