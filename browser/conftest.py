"""Browser journeys: real Chromium (Debian's chromium + chromedriver) against a real Waypoint
serving a fresh SQLite demo database. axe-core runs on every page a journey visits."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "browser-demo-password"
PORT = int(os.environ.get("WAYPOINT_BROWSER_PORT", "8089"))
ARTIFACTS = os.path.join(ROOT, "artifacts", "browser")


def _binary():
    path = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
    return os.path.join(path, "waypoint")


@pytest.fixture(scope="session")
def base_url():
    data = tempfile.mkdtemp(prefix="waypoint-browser-")
    env = dict(os.environ, WAYPOINT_DATA_DIR=data, WAYPOINT_DEMO_PASSWORD=PASSWORD, LOG_LEVEL="warning")
    binary = _binary()
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(PORT)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{PORT}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    break
        except Exception:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("Waypoint did not start")
    yield url
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def driver(request):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    d.implicitly_wait(2)
    yield d
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs(ARTIFACTS, exist_ok=True)
        stem = os.path.join(ARTIFACTS, request.node.name)
        d.save_screenshot(stem + ".png")
        with open(stem + ".html", "w", encoding="utf-8") as f:
            f.write(d.page_source)
        print(f"\nSaved the failing page: {stem}.png and {stem}.html")
    d.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
