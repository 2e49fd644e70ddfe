"""Identity journeys: a new person gets a one-time code from an admin, chooses their password,
sets up an authenticator app (the test computes its codes, RFC 6238) and signs in with both."""
import base64
import hashlib
import hmac
import struct
import time

from selenium.webdriver.common.by import By

from waypoint_browser import check_accessibility, h1, sign_in, visit, wait_for_text


def totp(secret_b32, step_offset=0, at=None):
    """The 6-digit code an authenticator app shows (RFC 6238: HMAC-SHA1, 30-second steps)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at or time.time()) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 1_000_000).zfill(6)


def submit(driver, button_text):
    driver.find_element(By.XPATH, f"//button[normalize-space()='{button_text}']").click()
    check_accessibility(driver)


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "header form[action='/sign-out'] button").click()
    check_accessibility(driver)
    assert "You have signed out." in driver.page_source


def test_a_new_person_signs_in_with_a_one_time_code_sets_a_password_and_an_authenticator_then_uses_both(driver, base_url):
    # The admin adds Nadia; they never see or type her password.
    sign_in(driver, base_url, "admin")
    visit(driver, base_url + "/admin/users/new")
    driver.find_element(By.ID, "name").send_keys("Nadia Brook")
    driver.find_element(By.ID, "email").send_keys("nadia.brook@demo.waypoint.test")
    driver.find_element(By.CSS_SELECTOR, "label[for='role']").click()  # Practitioner, the first role
    driver.find_element(By.CSS_SELECTOR, "label[for='services']").click()
    assert not driver.find_elements(By.ID, "password")
    submit(driver, "Add user")
    assert h1(driver) == "Nadia Brook has been added"
    first_code = driver.find_element(By.ID, "one-time-code").text
    assert len(first_code) == 14
    # She did not get that code in time: the admin resets her password for a new one.
    visit(driver, base_url + "/admin/users")
    driver.find_element(By.LINK_TEXT, "Nadia Brook").click()
    check_accessibility(driver)
    driver.find_element(By.LINK_TEXT, "Reset password").click()
    check_accessibility(driver)
    submit(driver, "Yes, reset the password")
    assert h1(driver) == "Nadia Brook's password has been reset"
    code = driver.find_element(By.ID, "one-time-code").text
    assert code != first_code
    sign_out(driver)

    # Nadia signs in with the code and must choose a password before anything else.
    visit(driver, base_url + "/sign-in")
    driver.find_element(By.LINK_TEXT, "Sign in with a one-time code").click()
    check_accessibility(driver)
    driver.find_element(By.ID, "email").send_keys("nadia.brook@demo.waypoint.test")
    driver.find_element(By.ID, "code").send_keys(first_code)
    submit(driver, "Continue")
    assert "or the code has expired or been used" in driver.page_source, "the reset replaced the first code"
    driver.find_element(By.ID, "code").send_keys(code.lower())
    submit(driver, "Continue")
    assert h1(driver) == "Choose your password"
    driver.get(base_url + "/my-work")
    assert h1(driver) == "Choose your password", "nothing opens until the password is set"
    driver.find_element(By.ID, "password").send_keys("Password12345")
    driver.find_element(By.ID, "confirm").send_keys("Password12345")
    submit(driver, "Save password and continue")
    assert "too easy to guess" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    driver.find_element(By.ID, "password").send_keys("kestrel mosaic harbour tin")
    driver.find_element(By.ID, "confirm").send_keys("kestrel mosaic harbour tin")
    submit(driver, "Save password and continue")
    assert h1(driver) == "Hello, Nadia Brook"

    # She sets up an authenticator from her account page: QR code and the key as text.
    driver.find_element(By.LINK_TEXT, "Nadia Brook (Practitioner)").click()
    check_accessibility(driver)
    assert h1(driver) == "Your account"
    driver.find_element(By.LINK_TEXT, "Set up an authenticator app").click()
    check_accessibility(driver)
    qr = driver.find_element(By.CSS_SELECTOR, "img.qr-code")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.size["width"] >= 150
    secret = driver.find_element(By.CSS_SELECTOR, "code.secret-key").get_attribute("data-secret")
    driver.find_element(By.ID, "code").send_keys("000000" if totp(secret) != "000000" else "111111")
    submit(driver, "Confirm")
    assert "That code is not right" in driver.page_source
    driver.find_element(By.ID, "code").send_keys(totp(secret))
    submit(driver, "Confirm")
    assert h1(driver) == "Two-factor sign-in is set up"
    recovery = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".recovery-codes code")]
    assert len(recovery) == 10
    driver.find_element(By.LINK_TEXT, "I have kept my recovery codes: continue").click()
    check_accessibility(driver)
    assert "10 recovery codes left" in driver.page_source
    sign_out(driver)

    # Back in with both factors (the next step's code: the one just used is never accepted again).
    visit(driver, base_url + "/sign-in")
    driver.find_element(By.ID, "email").send_keys("nadia.brook@demo.waypoint.test")
    driver.find_element(By.ID, "password").send_keys("kestrel mosaic harbour tin")
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    check_accessibility(driver)
    assert h1(driver) == "Enter the code from your authenticator app"
    driver.find_element(By.ID, "code").send_keys(totp(secret, step_offset=1))
    submit(driver, "Sign in")
    assert h1(driver) == "Hello, Nadia Brook"
    # Her sessions, and signing out everywhere.
    visit(driver, base_url + "/account")
    assert "This session" in driver.page_source
    submit(driver, "Sign out everywhere")
    assert "You have signed out." in driver.page_source
    driver.get(base_url + "/my-work")
    assert driver.current_url.startswith(base_url + "/sign-in")


def test_single_sign_on_through_a_real_provider_an_admin_approves_then_the_person_lands_on_my_work(driver, base_url):
    from conftest import SSO_USER

    def through_provider():
        # The provider's own page: pick the predefined person.
        driver.find_element(By.XPATH, f"//button[@value='{SSO_USER['sub']}']").click()

    visit(driver, base_url + "/my-work")
    assert driver.current_url.startswith(base_url + "/sign-in")
    driver.find_element(By.LINK_TEXT, "Sign in with the test provider").click()
    through_provider()
    check_accessibility(driver)
    assert "asked to approve it" in driver.page_source

    # The admin creates their account; the provider's group chose the role and service.
    sign_in(driver, base_url, "admin")
    visit(driver, base_url + "/admin/sso-requests")
    assert "Sam Sso" in driver.page_source
    assert driver.find_element(By.CSS_SELECTOR, "input[name=role][value=practitioner]").is_selected()
    submit(driver, "Create their account")
    assert "Account created" in driver.page_source
    sign_out(driver)

    visit(driver, base_url + "/my-work")
    driver.find_element(By.LINK_TEXT, "Sign in with the test provider").click()
    through_provider()
    check_accessibility(driver)
    assert driver.current_url == base_url + "/my-work"
    assert "Sam Sso (Practitioner)" in driver.page_source
    sign_out(driver)
    driver.get(base_url + "/my-work")
    assert driver.current_url.startswith(base_url + "/sign-in")
