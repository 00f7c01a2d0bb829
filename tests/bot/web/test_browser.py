"""End to end: `lessons serve` on 127.0.0.1, the search page and the admin page in Debian's headless
Chromium, driven by Selenium through Debian's chromedriver (never a browser or driver downloaded by a
tool). One module, so one test process starts one Chromium for both pages."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from ...conftest import lesson_page
from ..test_serve import post, start_server
from .conftest import console_errors

pytestmark = pytest.mark.browser

ADMIN_TOKEN = "browser-test-admin-token-0123456789"


def markdown_bold_words(base: str, question: str, lesson_url: str) -> list[str]:
    """The words the webhook's Markdown answer bolds in the summary of one lesson."""
    request = urllib.request.Request(base + "webhook", data=json.dumps({"text": question}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        markdown = json.load(response)["text"]
    item = markdown.split(f"]({lesson_url})**", 1)[1].split("\n\n", 1)[0]
    quote = next(line for line in item.splitlines() if line.lstrip().startswith(">"))
    return [re.sub(r"\\(.)", r"\1", word) for word in re.findall(r"\*\*(.+?)\*\*", quote)]


@pytest.fixture(scope="module")
def server(tmp_path_factory, stop_later):
    """One `lessons serve` for the module's tests on the bundled lessons (a start costs seconds); they ask
    different questions, so the vote one casts moves nothing another looks at."""
    process, base = start_server(tmp_path_factory.mktemp("served"))
    yield base
    stop_later(process)


def test_typing_a_question_shows_the_lesson_card_with_its_link(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server)
    console_errors(browser)  # what earlier pages logged is not this page's
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the box has focus: type straight away
    box.send_keys("lessons on social insurance for herders", Keys.ENTER)
    wait = WebDriverWait(browser, 15)
    card = wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, '.card[data-id="252474"]')))
    cards = browser.find_elements(By.CSS_SELECTOR, ".card")
    assert card in cards[:3]
    link = card.find_element(By.CSS_SELECTOR, "h2 a")
    assert link.get_attribute("href") == "https://webapps.ilo.org/ievaldiscovery/lessons/252474"
    assert "Herders" in link.text
    marks = [mark.text for mark in card.find_elements(By.CSS_SELECTOR, "blockquote mark")]
    assert marks  # query words highlighted, and the very words the webhook's Markdown bolds
    assert marks == markdown_bold_words(server, "lessons on social insurance for herders", link.get_attribute("href"))
    assert "of" in browser.find_element(By.ID, "status").text
    assert "?q=lessons+on+social+insurance+for+herders" in browser.current_url  # shareable
    assert console_errors(browser) == []  # no 404 (the favicon is there), no refused script or style

    browser.get(server + "?q=" + "herders country:Mongolia".replace(" ", "+"))  # a shared address
    wait.until(seen.text_to_be_present_in_element((By.ID, "status"), "country: Mongolia"))
    assert browser.find_element(By.ID, "q").get_attribute("value") == "herders country:Mongolia"
    assert browser.find_elements(By.CSS_SELECTOR, ".card")


def test_with_a_token_the_page_asks_for_it_and_lesson_text_is_shown_as_text(tmp_path, make_lessons, browser,
                                                                           stop_later):
    """One server for two checks (a start costs seconds): WEBHOOK_TOKEN set, hostile lesson text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    hostile = '<img src=x onerror="document.title=1">Herders <b>bold</b>'
    page = lesson_page("7", title=hostile, description="Herders & <script>document.title=2</script> insurance.")
    page = page.replace("https://webapps.ilo.org/ievaldiscovery/eval/99999", "javascript:document.title=3")
    process, base = start_server(tmp_path, "--lessons", str(make_lessons({"7": page})),
                                 env={"WEBHOOK_TOKEN": "t0ken"})
    try:
        browser.get(base + "?q=herders")
        wait = WebDriverWait(browser, 15)
        token = wait.until(seen.visibility_of_element_located((By.ID, "token-value")))
        assert "token" in browser.find_element(By.ID, "status").text
        token.send_keys("wrong", Keys.ENTER)
        wait.until(seen.text_to_be_present_in_element((By.ID, "status"), "not this server's"))
        browser.find_element(By.ID, "token-value").send_keys("t0ken", Keys.ENTER)
        card = wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, ".card")))
        assert not browser.find_element(By.ID, "token").is_displayed()
        assert hostile in card.find_element(By.CSS_SELECTOR, "h2").text
        assert "<script>" in card.find_element(By.CSS_SELECTOR, "blockquote").text
        assert not card.find_elements(By.CSS_SELECTOR, "img, b, script")
        assert [a.get_attribute("href") for a in card.find_elements(By.CSS_SELECTOR, "a")] == [
            "https://webapps.ilo.org/ievaldiscovery/lessons/7", "https://webapps.ilo.org/ievaldiscovery/lessons/7",
            base + "lessons/7", base + "lessons/7#similar", base + "api/lessons/7"]  # javascript: stays plain text
        assert browser.title == "Lessons learned search"
    finally:
        stop_later(process)


def test_the_page_cites_votes_groups_narrows_and_opens_a_lesson_with_similar_ones(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 15)
    browser.get(server + "?q=child+labour")
    wait.until(seen.text_to_be_present_in_element((By.ID, "status"), "7 lessons"))
    card = browser.find_elements(By.CSS_SELECTOR, ".card")[0]
    lesson_id = card.get_attribute("data-id")

    card.find_element(By.CSS_SELECTOR, "button.cite").click()  # the citation shows, copied or selected
    shown = card.find_element(By.CSS_SELECTOR, "pre.citation")
    wait.until(lambda _: shown.is_displayed() and "Citation" in card.find_element(By.CSS_SELECTOR, ".said").text)
    assert shown.text.startswith(f"Lesson learned {lesson_id}, from the evaluation")

    helpful = card.find_element(By.CSS_SELECTOR, 'button[data-vote="helpful"]')
    helpful.click()
    wait.until(lambda _: card.find_element(By.CSS_SELECTOR, ".said").text == "Thanks: noted as helpful.")
    assert helpful.get_attribute("aria-pressed") == "true"

    browser.find_element(By.ID, "group").click()  # one lesson per evaluation
    wait.until(seen.text_to_be_present_in_element((By.ID, "status"), "6 lessons"))
    assert "group=1" in browser.current_url

    facet = browser.find_element(By.CSS_SELECTOR, "#facets a[data-query]")
    value = facet.text.rsplit(" (", 1)[0]
    facet.click()
    wait.until(seen.text_to_be_present_in_element((By.ID, "status"), "country: "))
    assert browser.find_element(By.ID, "q").get_attribute("value").startswith("child labour country:")
    assert value.split()[0] in browser.find_element(By.ID, "status").text

    browser.get(server + f"lessons/{lesson_id}")
    assert browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.CSS_SELECTOR, 'button[data-copy="cite-bibtex"]').click()
    wait.until(lambda _: "BibTeX" in browser.find_element(By.ID, "copied").text)
    similar = browser.find_elements(By.CSS_SELECTOR, "#similar .card a")
    assert len(similar) == 5
    target = similar[0].get_attribute("href")
    similar[0].click()
    wait.until(lambda _: browser.current_url == target)
    assert browser.find_element(By.CSS_SELECTOR, "main.lesson").get_attribute("data-id") == target.rsplit("/", 1)[1]


# -- the admin page ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def admin_server(tmp_path_factory, stop_later):
    """`lessons serve` with ADMIN_TOKEN, after a few questions (one of them twice, one finding nothing)."""
    folder = tmp_path_factory.mktemp("admin")
    process, base = start_server(folder, env={"ADMIN_TOKEN": ADMIN_TOKEN})
    for question in ("lessons on social insurance for herders", "quantum blockchain", "Quantum blockchain?",
                     "child labour country:Philippines"):
        assert post(base + "webhook", {"text": question})[0] == 200
    yield base
    stop_later(process)


def test_the_admin_page_needs_the_token_then_shows_the_report_and_its_charts(admin_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(admin_server + "admin")
    console_errors(browser)
    assert not browser.find_elements(By.ID, "gaps")  # nothing shows before signing in
    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    wait = WebDriverWait(browser, 15)
    wait.until(seen.presence_of_element_located((By.ID, "wrong")))
    assert not browser.find_elements(By.ID, "gaps")
    assert any("401" in line for line in console_errors(browser))  # the wrong token's answer

    browser.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    browser.find_element(By.CSS_SELECTOR, "#login button").click()
    gaps = wait.until(seen.presence_of_element_located((By.ID, "gaps")))
    assert browser.current_url == admin_server + "admin"
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
    browser.get(admin_server + "admin")
    assert not browser.find_elements(By.ID, "gaps")
