"""Journeys through real Chromium, each signing in through the real form."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from waypoint_browser import active, check_accessibility, download, h1, keys, sign_in, tab_to, visit

ROLES = {
    "practitioner": "Priya Shah", "manager": "Martin Okafor", "victim_worker": "Vicky Lane", "volunteer": "Val Hughes",
    "analyst": "Ana Kowalski", "board": "Bernard Ellis", "admin": "Adam Reid",
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_signs_in_lands_on_its_home_page_and_signs_out(driver, base_url, role):
    sign_in(driver, base_url, role)
    assert h1(driver) == f"Hello, {ROLES[role]}"
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    check_accessibility(driver)
    assert "You have signed out." in driver.page_source
    driver.get(base_url + "/")
    assert driver.current_url.startswith(base_url + "/sign-in")


def test_a_wrong_password_shows_the_error_summary_with_focus_and_keeps_the_email(driver, base_url):
    sign_in(driver, base_url, "manager", password="not-the-password")
    summary = driver.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "The email address or password is not right" in summary.text
    assert "error-summary" in active(driver).get_attribute("class")
    assert driver.find_element(By.ID, "email").get_attribute("value") == "manager@demo.waypoint.test"
    assert driver.title.startswith("Error:")


def add_child(driver, base_url, given, family, extra=None):
    visit(driver, base_url + "/children/new")
    fields = {"given_name": given, "family_name": family, "dob-day": "14", "dob-month": "5", "dob-year": "2011"}
    fields.update(extra or {})
    for name, value in fields.items():
        el = driver.find_element(By.ID, name)
        el.clear()
        el.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "label[for='sex-2']").click()  # Male
    driver.find_element(By.CSS_SELECTOR, "#ethnicity option[value='white_british']").click()
    driver.find_element(By.CSS_SELECTOR, "form[action='/children'] button[type=submit]").click()
    check_accessibility(driver)


def test_form_errors_show_the_summary_with_focus_and_keep_what_was_typed(driver, base_url):
    sign_in(driver, base_url, "manager")
    add_child(driver, base_url, "Typed", "Values", {"nhs_number": "9434765918", "postcode": "NOT A CODE"})
    assert "There is a problem" in driver.page_source
    assert "error-summary" in active(driver).get_attribute("class")
    assert driver.find_element(By.ID, "given_name").get_attribute("value") == "Typed"
    assert driver.find_element(By.ID, "nhs_number").get_attribute("value") == "9434765918"
    # Following the summary's link moves focus to the field.
    driver.find_element(By.CSS_SELECTOR, ".error-summary a[href='#nhs_number']").click()
    assert active(driver).get_attribute("id") == "nhs_number"


def test_a_manager_records_a_referral_screens_it_in_and_allocates_it_and_the_practitioner_sees_it(driver, base_url):
    sign_in(driver, base_url, "manager")
    add_child(driver, base_url, "Journey", "Browser")
    assert "Child added to the register" in driver.page_source
    driver.find_element(By.LINK_TEXT, "Record a referral").click()
    check_accessibility(driver)
    driver.find_element(By.CSS_SELECTOR, "label[for='source']").click()  # Police
    driver.find_element(By.ID, "referrer_name").send_keys("PC Jones")
    driver.find_element(By.ID, "reasons").send_keys("Found with older boys near the station")
    driver.find_element(By.CSS_SELECTOR, "label[for='consent']").click()  # Given
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit].button").click()
    check_accessibility(driver)
    assert "Referral recorded" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "label[for='decision']").click()  # Accept
    driver.find_element(By.CSS_SELECTOR, "#intervention_type option[value='prevention']").click()
    driver.find_element(By.ID, "decision_reasons").send_keys("Early support will help; family agree")
    driver.find_element(By.XPATH, "//button[normalize-space()='Record decision']").click()
    check_accessibility(driver)
    assert h1(driver) == "Allocate prevention"
    driver.find_element(By.XPATH, "//label[starts-with(normalize-space(), 'Priya Shah')]").click()
    driver.find_element(By.XPATH, "//button[normalize-space()='Allocate']").click()
    check_accessibility(driver)
    assert "Allocated" in driver.page_source
    assert "Assessment and plan: due" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()

    sign_in(driver, base_url, "practitioner")
    visit(driver, base_url + "/my-work")
    row = driver.find_element(By.XPATH, "//tr[.//a[normalize-space()='Journey Browser']]")
    assert "New" in row.text
    assert "Assessment and plan: due" in row.text
    row.find_element(By.LINK_TEXT, "Prevention").click()
    check_accessibility(driver)
    driver.find_element(By.LINK_TEXT, "Start an assessment").click()
    check_accessibility(driver)
    driver.find_element(By.ID, "personal_family_social").send_keys("Lives with nan; close to his younger brother")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save draft']").click()
    check_accessibility(driver)
    assert "Draft saved" in driver.page_source
    driver.find_element(By.ID, "explanations_conclusions").send_keys("Peer influence after moving school")
    driver.find_element(By.ID, "pathways_planning").send_keys("Boxing club; school mentor")
    driver.find_element(By.ID, "child_views").send_keys("I want to get back into boxing")
    driver.find_element(By.CSS_SELECTOR, "label[for='likelihood_of_reoffending']").click()   # Low
    driver.find_element(By.CSS_SELECTOR, "label[for='safety_and_wellbeing-2']").click()      # Medium
    driver.find_element(By.XPATH, "//button[normalize-space()='Submit for sign-off']").click()
    check_accessibility(driver)
    assert "Submitted for sign-off" in driver.page_source
    assert "I want to get back into boxing" in driver.page_source

    # A plan target in the child's own words.
    driver.find_element(By.LINK_TEXT, "Back to the intervention").click()
    driver.find_element(By.LINK_TEXT, "Add plan target").click()
    check_accessibility(driver)
    driver.find_element(By.ID, "target").send_keys("I want to get back into boxing on Tuesdays")
    driver.find_element(By.ID, "action").send_keys("Referral to the community gym; Priya to go to the first session")
    driver.find_element(By.ID, "by_whom").send_keys("Journey and Priya")
    driver.find_element(By.CSS_SELECTOR, "label[for='status-2']").click()  # In progress
    driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
    check_accessibility(driver)
    assert "Plan target saved" in driver.page_source
    # A contact that happened today: the date defaults to today.
    driver.find_element(By.LINK_TEXT, "Back").click()
    driver.find_element(By.LINK_TEXT, "Add contact").click()
    check_accessibility(driver)
    driver.find_element(By.ID, "contact_time").send_keys("16:30")
    driver.find_element(By.CSS_SELECTOR, "label[for='contact_type']").click()  # One-to-one
    driver.find_element(By.CSS_SELECTOR, "label[for='place']").click()         # School
    driver.find_element(By.CSS_SELECTOR, "#attendance option[value='attended']").click()
    driver.find_element(By.ID, "notes").send_keys("Talked about the gym; he is keen")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
    check_accessibility(driver)
    assert "Contact saved" in driver.page_source
    driver.find_element(By.LINK_TEXT, "Back").click()
    check_accessibility(driver)
    assert "I want to get back into boxing on Tuesdays" in driver.page_source
    assert "1 attended, 0 did not attend, 0 arranged." in driver.page_source


def test_a_volunteer_sees_the_papers_of_their_own_panels(driver, base_url):
    sign_in(driver, base_url, "volunteer")
    driver.find_element(By.LINK_TEXT, "My panels").click()
    check_accessibility(driver)
    assert h1(driver) == "My panels"
    driver.find_element(By.CSS_SELECTOR, "table a").click()
    check_accessibility(driver)
    assert "Panel report" in driver.page_source
    assert "In the child's own words" in driver.page_source


def test_a_manager_screens_a_referral_out_to_early_help(driver, base_url):
    sign_in(driver, base_url, "manager")
    visit(driver, base_url + "/referrals")
    driver.find_element(By.CSS_SELECTOR, "main table a").click()
    check_accessibility(driver)
    driver.find_element(By.CSS_SELECTOR, "label[for='decision-2']").click()     # Screen out
    driver.find_element(By.CSS_SELECTOR, "label[for='destination-2']").click()  # Early help
    driver.find_element(By.ID, "decision_reasons").send_keys("Family support need, no offending")
    driver.find_element(By.XPATH, "//button[normalize-space()='Record decision']").click()
    check_accessibility(driver)
    assert "Screened out to another service" in driver.page_source
    assert "Early help or family hub" in driver.page_source


def test_a_report_figure_opens_its_children_and_the_csv_has_that_many_rows(driver, base_url):
    sign_in(driver, base_url, "manager")
    visit(driver, base_url + "/reports/first-time-entrants?preset=year_to_date")
    link = driver.find_element(By.CSS_SELECTOR, ".stat__figure a")
    figure = int(link.text)
    assert figure > 0
    link.click()
    check_accessibility(driver)
    assert h1(driver).startswith(f"{figure} child")
    csv_link = driver.find_element(By.LINK_TEXT, "Download this list (CSV)").get_attribute("href")
    content_type, text = download(driver, csv_link)
    assert content_type.startswith("text/csv")
    rows = [line for line in text.split("\r\n") if line]
    assert len(rows) - 1 == figure


def test_keyboard_only_sign_in_and_referral(driver, base_url):
    driver.get(base_url + "/sign-in")
    tab_to(driver, "email")
    keys(driver, "manager@demo.waypoint.test", Keys.TAB, "browser-demo-password", Keys.ENTER)
    assert h1(driver) == "Hello, Martin Okafor"
    driver.get(base_url + "/children?q=journey")
    child = driver.find_elements(By.XPATH, "//main//table//a")
    assert child, "the journey child should exist (run after the referral journey) or any child"
    driver.get(child[0].get_attribute("href").rstrip("/") + "/referrals/new")
    tab_to(driver, "source")
    keys(driver, Keys.SPACE)
    tab_to(driver, "referrer_name")
    keys(driver, "Head of year")
    tab_to(driver, "reasons")
    keys(driver, "Keyboard-only referral")
    tab_to(driver, "consent")
    keys(driver, Keys.SPACE)
    for _ in range(20):
        el = active(driver)
        if el.tag_name == "button" and el.text == "Record referral":
            break
        keys(driver, Keys.TAB)
    keys(driver, Keys.ENTER)
    assert "Referral recorded" in driver.page_source
    assert "Keyboard-only referral" in driver.page_source
