#!/usr/bin/env python3
"""Draw docs/admin-report.png, the README's picture of the admin page: a month of invented questions
(seeded, so the picture is the same every time) logged against the bundled lessons, `lessons serve`
on 127.0.0.1 with an ADMIN_TOKEN, and Debian's headless Chromium signing in and taking the picture.
CHROMIUM= and CHROMEDRIVER= name other binaries than /usr/bin/chromium and /usr/bin/chromedriver
(as for scripts/ensure-chromium, which installs Debian's).

    .venv/bin/python scripts/screenshot-admin.py [OUTPUT.png]
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.recording import entry_of  # noqa: E402
from bot.state import Feedback, QuestionLog, StateStore  # noqa: E402
from bot.state.questions import DAY  # noqa: E402
from knowledge import KnowledgeBase  # noqa: E402

TOKEN = "screenshot-only-token"
#: (question, how many times in the month): common questions, typos, and gaps.
ASKED = [
    ("social insurance for herders", 24), ("lessons on social insurance for herders", 9),
    ("sociel protecion floor", 6), ("child labour in cocoa", 18), ("TVET reform in Bangladesh", 14),
    ("youth employment", 16), ("what went wrong with joint UN programmes", 11), ("labour inspection", 9),
    ("domestic workers Philippines", 8), ("green jobs", 7), ("migrant workers", 10), ("gender equality", 12),
    ("social dialogue", 5), ("cooperatives", 6), ("minimum wage", 4), ("skills for refugees in Jordan", 5),
    ("disability inclusion in Kenya", 8), ("just transition coal", 7), ("climate adaptation for fisheries", 6),
    ("pension reform Chile", 4), ("Disability inclusion Kenya", 3), ("quantum computing", 1),
]
DOORS = ["slack-slash"] * 5 + ["slack-dm"] * 3 + ["slack-mention"] * 2 + ["webhook"] * 2 + ["api"] * 3


def seed(state_path: Path, kb: KnowledgeBase, now: float) -> None:
    """Log the month of questions, more on weekdays, and a few feedback votes."""
    rng = random.Random(14)
    store = StateStore(state_path)
    log = QuestionLog(store)
    for question, times in ASKED:
        answer = kb.ask(question)
        for _ in range(times):
            day = rng.choices(range(30), weights=[0.4 if (d + 2) % 7 in (5, 6) else 1.0 for d in range(30)])[0]
            at = now - day * DAY - rng.uniform(0, 8 * 3600)
            log.record(**entry_of(rng.choice(DOORS), answer, rng.uniform(2, 14), at)._asdict())
    votes = Feedback(store)
    for voter, (lesson, vote) in enumerate([("252474", 1), ("252474", 1), ("252474", 1), ("900101", -1)]):
        votes.vote("social insurance herders", lesson, f"U{voter}", vote)
    store.close()


#: The browser and its driver (the browser tests read the same variables, tests/bot/web/conftest.py).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))


def shoot(base: str, output: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--window-size=1100,900", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(base + "admin")
        driver.find_element(By.ID, "token").send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#login button").click()
        driver.find_element(By.ID, "gaps")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1100, height)
        output.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(output))
    finally:
        driver.quit()


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", type=Path, default=ROOT / "docs" / "admin-report.png",
                        help="where the picture goes (default: docs/admin-report.png)")
    output = parser.parse_args().output
    try:
        import selenium  # noqa: F401  (the browser driver comes with the test tools)
    except ModuleNotFoundError:
        print("screenshot-admin.py: selenium is missing: .venv/bin/pip install -e '.[test]'", file=sys.stderr)
        return 1
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        print(f"screenshot-admin.py: no {' or '.join(missing)}; run scripts/ensure-chromium (or set CHROMIUM= "
              "and CHROMEDRIVER=)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state.sqlite3"
        seed(state, KnowledgeBase.from_paths([]), time.time())
        (Path(folder) / "config.yaml").write_text(f"state:\n  path: {state}\n")
        env = {**os.environ, "ADMIN_TOKEN": TOKEN, "LESSONS_CONFIG": str(Path(folder) / "config.yaml"),
               "PYTHONUNBUFFERED": "1"}
        server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", "0"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in server.stdout:
                found = re.search(r"serving \d+ lessons on (http://127\.0\.0\.1:\d+/)", line)
                if found:
                    shoot(found.group(1), output)
                    break
            else:
                raise SystemExit("lessons serve did not start")
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
