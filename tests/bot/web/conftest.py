"""The headless Chromium of the browser tests (marker `browser`): Debian's chromium driven through
Debian's chromedriver by Selenium (never a browser or driver downloaded by a tool), one for the run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

#: Where Debian puts them; CHROMIUM= and CHROMEDRIVER= choose others, as for scripts/ensure-chromium.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
INSTALL = ("install them with: sudo apt-get install -y chromium chromium-driver (make test does it when it may), "
           "or leave these tests out: pytest -m 'not browser'")
#: Chromium as root in a container: no sandbox, no GPU, and nothing that reaches the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900"]


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One headless Chromium for every browser test (starting one costs seconds); its console log is kept.
    A test that depends on cookies deletes them first."""
    profile = tmp_path_factory.mktemp("chromium") / "profile"
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:  # CI installs them; on a developer machine, say how rather than skip in silence
        pytest.fail(f"the browser test needs {' and '.join(missing)}: {INSTALL}", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def stop_later() -> Callable[[subprocess.Popen], None]:
    """Stop a browser test's server with SIGTERM and reap it at the end of the run: Chromium keeps its
    idle connections open, which a stopping server gives 2 s to send one more request, and nothing
    checks the exit of these servers, so that wait overlaps the tests that follow."""
    stopping: list[subprocess.Popen] = []

    def stop(process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGTERM)
        stopping.append(process)

    yield stop
    for process in stopping:
        process.communicate(timeout=30)


def console_errors(driver) -> list[str]:
    """What the browser logged as errors since the last call (a failed load, a 404, a CSP refusal)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
