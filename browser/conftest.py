"""Browser journeys: real Chromium (Debian's chromium + chromedriver) against a real Waypoint
serving a fresh SQLite demo database. axe-core runs on every page a journey visits."""
import os
import shutil
import signal
import subprocess
import sys
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


OIDC_PORT = int(os.environ.get("WAYPOINT_BROWSER_OIDC_PORT", "9400"))
OIDC_ISSUER = f"http://127.0.0.1:{OIDC_PORT}"
# The person the identity provider signs in: in the provider's practitioners group.
SSO_USER = {"sub": "sso-sam-oid", "email": "sam.sso@demo.waypoint.test", "name": "Sam Sso", "groups": ["waypoint-practitioners"]}


def _wait_for(url):
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (oidc-provider-mock, from PyPI) on loopback."""
    import json
    provider = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(OIDC_PORT), "--require-nonce", "true",
                                 "--user-claims", json.dumps(SSO_USER)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_for(OIDC_ISSUER + "/.well-known/openid-configuration"):
        provider.kill()
        raise RuntimeError("the OpenID Connect provider did not start")
    yield OIDC_ISSUER
    provider.terminate()
    try:
        provider.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.kill()


@pytest.fixture(scope="session")
def base_url(oidc_provider):
    data = tempfile.mkdtemp(prefix="waypoint-browser-")
    env = dict(os.environ, WAYPOINT_DATA_DIR=data, WAYPOINT_DEMO_PASSWORD=PASSWORD, LOG_LEVEL="warning",
               WAYPOINT_OIDC_ISSUER=oidc_provider, WAYPOINT_OIDC_CLIENT_ID="waypoint-browser", WAYPOINT_OIDC_CLIENT_SECRET="browser-secret",
               WAYPOINT_OIDC_REDIRECT_URL=f"http://127.0.0.1:{PORT}/sign-in/sso/callback",
               WAYPOINT_OIDC_GROUP_MAP="waypoint-practitioners=practitioner:DEMO; waypoint-managers=manager:DEMO",
               WAYPOINT_OIDC_PENDING_ACCOUNTS="true", WAYPOINT_OIDC_LABEL="Sign in with the test provider")
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
