"""End to end: the admin page of a real `lessons serve` in headless Chromium: the token is asked for,
the report and its charts show after signing in, and the session cookie is out of scripts' reach."""
from __future__ import annotations

import pytest

from ..test_serve import post, start_server
from .conftest import console_errors

pytestmark = pytest.mark.browser

TOKEN = "browser-test-admin-token-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory, stop_later):
    """`lessons serve` with ADMIN_TOKEN, after a few questions (one of them twice, one finding nothing)."""
    folder = tmp_path_factory.mktemp("admin")
    process, base = start_server(folder, env={"ADMIN_TOKEN": TOKEN})
    for question in ("lessons on social insurance for herders", "quantum blockchain", "Quantum blockchain?",
                     "child labour country:Philippines"):
        assert post(base + "webhook", {"text": question})[0] == 200
    yield base
    stop_later(process)


def test_the_admin_page_needs_the_token_then_shows_the_report_and_its_charts(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(server + "admin")
    console_errors(browser)
    assert not browser.find_elements(By.ID, "gaps")  # nothing shows before signing in
    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    wait = WebDriverWait(browser, 15)
    wait.until(seen.presence_of_element_located((By.ID, "wrong")))
    assert not browser.find_elements(By.ID, "gaps")
    assert any("401" in line for line in console_errors(browser))  # the wrong token's answer

    browser.find_element(By.ID, "token").send_keys(TOKEN)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    gaps = wait.until(seen.presence_of_element_located((By.ID, "gaps")))
    assert browser.current_url == server + "admin"
    assert browser.find_element(By.ID, "questions").text == "4"
    first_gap = gaps.find_element(By.CSS_SELECTOR, "tbody tr")
    assert first_gap.text.startswith("quantum blockchain") and "Quantum blockchain?" in first_gap.text
    day_bars = browser.find_elements(By.CSS_SELECTOR, "#chart-days svg rect.bar-asked")
    assert len(day_bars) == 30 and day_bars[-1].rect["height"] > 0  # today's bar, drawn
    theme_rows = browser.find_elements(By.CSS_SELECTOR, "#chart-themes svg rect.bar-available")
    assert len(theme_rows) > 1
    assert browser.execute_script("return document.cookie") == ""  # HttpOnly: no script can read the session
    assert console_errors(browser) == []  # nothing refused, nothing missing (the icon is there)

    browser.find_element(By.CSS_SELECTOR, "#since").send_keys("last 7 days")
    browser.find_element(By.CSS_SELECTOR, ".period button").click()
    wait.until(lambda driver: "since=7" in driver.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chart-days svg rect.bar-asked")) == 7

    browser.find_element(By.CSS_SELECTOR, "form[action='/admin/logout'] button").click()
    wait.until(seen.presence_of_element_located((By.ID, "token")))
    browser.get(server + "admin")
    assert not browser.find_elements(By.ID, "gaps")
