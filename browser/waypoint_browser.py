"""Helpers the journeys share: signing in through the real form, keyboard moves, axe checks."""
import time
import urllib.request

from axe_selenium_python import Axe
from selenium.common.exceptions import JavascriptException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD


def check_accessibility(driver):
    """Fails on any axe-core violation of impact serious or critical on the current page.

    A click that submits a form may land its new page while axe is being injected into the old
    one ("axe is not defined"): then the check waits for the page to finish loading and runs
    again on the page that is there."""
    for attempt in range(3):
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        axe = Axe(driver)
        axe.inject()
        try:
            results = axe.run()
            break
        except JavascriptException as e:
            if "axe is not defined" not in str(e) or attempt == 2:
                raise
            time.sleep(0.3)
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "axe violations on %s:\n%s" % (driver.current_url, "\n".join(
        "%s (%s): %s — %s" % (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in bad))


def visit(driver, url):
    driver.get(url)
    check_accessibility(driver)


def sign_in(driver, base_url, role, password=PASSWORD):
    visit(driver, base_url + "/sign-in")
    driver.find_element(By.ID, "email").send_keys(f"{role}@demo.waypoint.test")
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    check_accessibility(driver)


def h1(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def active(driver):
    return driver.switch_to.active_element


def tab_to(driver, element_id, limit=80):
    """Presses Tab until the element with this id has focus (keyboard only)."""
    for _ in range(limit):
        if active(driver).get_attribute("id") == element_id:
            return active(driver)
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached #{element_id}")


def keys(driver, *k):
    ActionChains(driver).send_keys(*k).perform()


def wait_for_text(driver, text, timeout=15):
    """A key press that submits a form returns before the next page loads: wait for it."""
    WebDriverWait(driver, timeout).until(lambda d: text in d.page_source, f"{text!r} never appeared")


def download(driver, url):
    """Fetches a download with the browser's session cookie."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    req = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(req) as r:
        return r.headers.get("Content-Type"), r.read().decode("utf-8-sig")
