"""Copy the browser tests' screenshots used by the documentation into docs/screenshots/.

Run the browser tests first, then:  python tests/browser/update_docs_screenshots.py
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "test-artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
NAMES = ("login", "home-committee", "campaign-view", "self-assessment-form", "unit-home",
         "review-queue", "review-form-errors", "review-form-submitted", "progress-board", "score-import-errors",
         "council-tie", "objections", "decision", "e2e-03-award-rules", "e2e-11-certificates",
         "audit-log")


def main() -> int:
    missing = [name for name in NAMES if not (SOURCE / f"{name}.png").is_file()]
    if missing:
        print(f"Missing in {SOURCE}: {', '.join(missing)} – run "
              "`.venv/bin/pytest tests/browser` first.", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        shutil.copyfile(SOURCE / f"{name}.png", TARGET / f"{name}.png")
        print(f"{(TARGET / f'{name}.png').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
