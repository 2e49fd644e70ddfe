"""Journeys through real Chromium, each signing in through the real form."""
import datetime
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from waypoint_browser import active, check_accessibility, download, h1, keys, sign_in, tab_to, visit, wait_for_text

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


def refer_accept_and_allocate(driver, base_url, given, family):
    """As the manager: add the child, record a police referral, accept it to prevention and allocate it to Priya Shah."""
    sign_in(driver, base_url, "manager")
    add_child(driver, base_url, given, family)
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
    sign_out(driver)


def sign_out(driver):
    driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    # The click can return before the sign-out has been answered: a sign-in page asked for meanwhile
    # still has the old session, and sends the browser home (a journey failed so, once, in CI).
    wait_for_text(driver, "You have signed out.")


def save(driver, notice):
    driver.find_element(By.XPATH, "//button[normalize-space()='Save']").click()
    check_accessibility(driver)
    assert notice in driver.page_source, driver.page_source[:3000]


def fill(driver, values=None, radios=(), selects=None):
    for name, value in (values or {}).items():
        driver.find_element(By.ID, name).send_keys(value)
    for label in radios:
        driver.find_element(By.CSS_SELECTOR, f"label[for='{label}']").click()
    for name, value in (selects or {}).items():
        driver.find_element(By.CSS_SELECTOR, f"#{name} option[value='{value}']").click()


def submit_assessment(driver):
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


def test_a_manager_records_a_referral_screens_it_in_and_allocates_it_and_the_practitioner_sees_it(driver, base_url):
    refer_accept_and_allocate(driver, base_url, "Journey", "Browser")
    sign_in(driver, base_url, "practitioner")
    visit(driver, base_url + "/my-work")
    row = driver.find_element(By.XPATH, "//tr[.//a[normalize-space()='Journey Browser']]")
    assert "New" in row.text
    assert "Assessment and plan: due" in row.text
    row.find_element(By.LINK_TEXT, "Prevention").click()
    check_accessibility(driver)
    driver.find_element(By.LINK_TEXT, "Start an assessment").click()
    check_accessibility(driver)
    submit_assessment(driver)
    assert "I want to get back into boxing" in driver.page_source

    # A plan target in the child's own words.
    driver.find_element(By.LINK_TEXT, "Back to the intervention").click()
    driver.find_element(By.LINK_TEXT, "Add plan target").click()
    check_accessibility(driver)
    fill(driver, {"target": "I want to get back into boxing on Tuesdays", "action": "Referral to the community gym; Priya to go to the first session",
                  "by_whom": "Journey and Priya"}, radios=["status-2"])  # In progress
    save(driver, "Plan target saved")
    # A contact that happened today: the date defaults to today.
    driver.find_element(By.LINK_TEXT, "Back").click()
    driver.find_element(By.LINK_TEXT, "Add contact").click()
    check_accessibility(driver)
    fill(driver, {"contact_time": "16:30", "notes": "Talked about the gym; he is keen"}, radios=["contact_type", "place"],  # One-to-one, school
         selects={"attendance": "attended"})
    save(driver, "Contact saved")
    driver.find_element(By.LINK_TEXT, "Back").click()
    check_accessibility(driver)
    assert "I want to get back into boxing on Tuesdays" in driver.page_source
    assert "1 attended, 0 did not attend, 0 arranged." in driver.page_source


def test_a_whole_prevention_case_from_assessment_to_closure_and_feedback(driver, base_url):
    refer_accept_and_allocate(driver, base_url, "Whole", "Case")
    sign_in(driver, base_url, "practitioner")
    visit(driver, base_url + "/my-work")
    driver.find_element(By.XPATH, "//tr[.//a[normalize-space()='Whole Case']]").find_element(By.LINK_TEXT, "Prevention").click()
    intervention = driver.current_url
    driver.find_element(By.LINK_TEXT, "Start an assessment").click()
    submit_assessment(driver)
    assessment = driver.current_url.split("?")[0]
    sign_out(driver)
    # The manager signs the assessment off.
    sign_in(driver, base_url, "manager")
    visit(driver, assessment)
    fill(driver, radios=["decision"])  # Sign off
    driver.find_element(By.XPATH, "//button[normalize-space()='Record decision']").click()
    check_accessibility(driver)
    assert "Signed off" in driver.page_source
    sign_out(driver)

    sign_in(driver, base_url, "practitioner")
    for target in ["I want to stay in lessons all week", "I want to get a Saturday job"]:
        visit(driver, intervention)
        driver.find_element(By.LINK_TEXT, "Add plan target").click()
        fill(driver, {"target": target, "action": "Weekly check-in", "by_whom": "Whole and Priya"}, radios=["status"])
        save(driver, "Plan target saved")
    for attendance in ["attended", "did_not_attend", "attended"]:
        visit(driver, intervention)
        driver.find_element(By.LINK_TEXT, "Add contact").click()
        fill(driver, {"contact_time": "16:00"}, radios=["contact_type", "place"],
             selects={"attendance": attendance, **({"absence_acceptable": "yes"} if attendance == "did_not_attend" else {})})
        save(driver, "Contact saved")
    visit(driver, intervention)
    driver.find_element(By.LINK_TEXT, "Add plan review").click()
    fill(driver, {"outcome": "Good progress; keep the Tuesday sessions"}, radios=["progress"])
    save(driver, "Plan review saved")
    visit(driver, intervention)
    driver.find_element(By.LINK_TEXT, "Add exit plan").click()
    fill(driver, {"destination_service": "Northbrook family hub"}, radios=["onward_referral", "step_down-2"], selects={"destination": "early_help"})
    save(driver, "Exit plan saved")
    visit(driver, intervention)
    driver.find_element(By.LINK_TEXT, "Add feedback").click()
    fill(driver, {"comments": "Priya listened to me"}, radios=["respondent", "helped-4", "respected", "listened_to", "involved", "improved"])
    save(driver, "Feedback saved")
    visit(driver, intervention)
    assert "1 did not attend" in driver.page_source
    sign_out(driver)

    # The manager closes it: the KPI end data is asked for on the closure form.
    sign_in(driver, base_url, "manager")
    visit(driver, intervention)
    driver.find_element(By.XPATH, "//button[normalize-space()='Close intervention']").click()
    check_accessibility(driver)
    assert "Select the accommodation, or Not known" in driver.page_source
    fill(driver, {"outcome": "Back in lessons; stepped down to the family hub", "ete_hours_offered": "25", "ete_hours_attended": "24"},
         radios=["closure_reason", "accommodation_suitable", "ete_suitable", "send-2", "ehcp-2", "mental_health_need-2", "mental_health_offered-2",
                 "mental_health_received-2", "substance_misuse_need-2", "substance_misuse_offered-2", "substance_misuse_received-2",
                 "looked_after-2", "child_protection-2", "child_in_need-2", "early_help"],
         selects={"accommodation": "with_parents", "ete_status": "full_time_school"})
    driver.find_element(By.XPATH, "//button[normalize-space()='Close intervention']").click()
    check_accessibility(driver)
    assert "Intervention closed" in driver.page_source
    assert "End of the intervention" in driver.page_source
    assert "I want to get a Saturday job" in driver.page_source


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
    wait_for_text(driver, "Hello, Martin Okafor")
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
    wait_for_text(driver, "Referral recorded")
    assert "Referral recorded" in driver.page_source
    assert "Keyboard-only referral" in driver.page_source


def test_a_manager_records_a_board_meeting_and_the_kpi_report_and_its_trend_show_it(driver, base_url):
    sign_in(driver, base_url, "manager")
    visit(driver, base_url + "/board-meetings/new")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save the meeting']").click()
    check_accessibility(driver)
    assert "Select whether police attended" in driver.page_source
    assert active(driver).get_attribute("class").startswith("error-summary")
    agencies = ["childrens_social_care", "education", "health", "police"]
    today = datetime.date.today()  # always inside "this financial year to date"
    fill(driver, {"held_on-day": str(today.day), "held_on-month": str(today.month), "held_on-year": str(today.year), "notes": "Browser board"},
         radios=[f"{q}-{a}" for a in agencies for q in ("attended", "senior", "data")]
         + ["attended-probation-2", "senior-probation-2", "data-probation-2"])
    driver.find_element(By.XPATH, "//button[normalize-space()='Save the meeting']").click()
    check_accessibility(driver)
    assert "Board meeting recorded" in driver.page_source
    assert "Browser board" in driver.page_source
    visit(driver, base_url + "/reports/kpis?preset=year_to_date")
    assert "KPI 7: board meetings held" in driver.page_source
    assert "By partner agency (KPI 7)" in driver.page_source
    driver.find_element(By.PARTIAL_LINK_TEXT, "quarter by quarter").click()
    check_accessibility(driver)
    assert h1(driver).endswith("YJB key performance indicators: trend")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart--line")


def test_a_manager_saves_a_report_as_submitted_and_sees_it_unchanged(driver, base_url):
    sign_in(driver, base_url, "manager")
    visit(driver, base_url + "/reports/first-time-entrants?preset=last_financial_year")
    check_accessibility(driver)
    driver.find_element(By.ID, "label").send_keys("Browser return to the board")
    driver.find_element(By.XPATH, "//button[normalize-space()='Save as submitted']").click()
    check_accessibility(driver)
    assert h1(driver).endswith("Browser return to the board")
    assert "No figure has changed" in driver.page_source
    assert "As submitted" in driver.page_source
    visit(driver, base_url + "/reports/saved")
    check_accessibility(driver)
    assert "Browser return to the board" in driver.page_source


def test_a_disposal_panel_decides_two_children_and_a_scrutiny_panel_records_a_finding(driver, base_url):
    sign_in(driver, base_url, "manager")
    visit(driver, base_url + "/out-of-court-panels")
    driver.find_element(By.LINK_TEXT, "Record a panel").click()
    check_accessibility(driver)
    driver.find_element(By.XPATH, "//button[normalize-space()='Save the panel']").click()
    check_accessibility(driver)
    assert "Enter the police members of the panel" in driver.page_source
    assert active(driver).get_attribute("class").startswith("error-summary")
    today = datetime.date.today()
    fill(driver, {"held_on-day": str(today.day), "held_on-month": str(today.month), "held_on-year": str(today.year),
                  "member_police": "PS Browser", "member_youth_justice": "Martin Okafor"})
    driver.find_element(By.XPATH, "//button[normalize-space()='Save the panel']").click()
    check_accessibility(driver)
    assert "Panel recorded" in driver.page_source
    decided = []
    for outcome_radio, label in [("outcome-2", "Outcome 22"), ("outcome-3", "Youth caution")]:
        option = driver.find_elements(By.CSS_SELECTOR, "#offence_id option")[1]
        decided.append((option.text.split(":")[0], label))
        option.click()
        fill(driver, {"screening": "Screened by the browser: first offence, no exploitation concern",
                      "rationale": "Accepted responsibility"}, radios=[outcome_radio])
        driver.find_element(By.XPATH, "//button[normalize-space()='Record the decision']").click()
        check_accessibility(driver)
        assert "Decision recorded" in driver.page_source
    # Each child's legal history shows the panel's outcome.
    panel = driver.current_url.split("?")[0]
    for name, label in decided:
        visit(driver, panel)
        driver.find_element(By.LINK_TEXT, name).click()
        check_accessibility(driver)
        history = driver.find_element(By.TAG_NAME, "main").text.split("Legal history", 1)[1].split("Referrals", 1)[0]
        assert label in history, (name, label, history)
    # A scrutiny panel samples the decisions and records a finding.
    visit(driver, base_url + "/scrutiny-panels/new")
    start = today - datetime.timedelta(days=100)
    fill(driver, {"held_on-day": str(today.day), "held_on-month": str(today.month), "held_on-year": str(today.year),
                  "from-day": str(start.day), "from-month": str(start.month), "from-year": str(start.year),
                  "to-day": str(today.day), "to-month": str(today.month), "to-year": str(today.year)})
    driver.find_element(By.XPATH, "//button[normalize-space()='Draw the sample']").click()
    check_accessibility(driver)
    assert "decisions drawn at random" in driver.page_source
    driver.find_element(By.LINK_TEXT, "Review").click()
    check_accessibility(driver)
    fill(driver, {"learning": "Record the child's own words in the screening"}, radios=["finding-2"])
    driver.find_element(By.XPATH, "//button[normalize-space()='Save the finding']").click()
    check_accessibility(driver)
    assert "Finding recorded" in driver.page_source
    assert "Appropriate, with learning" in driver.page_source
