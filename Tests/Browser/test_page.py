"""Drives the FaceGender page in headless Chromium: upload a face, see a label; upload a non-image,
see an error; submit the plain form without JavaScript, get a result page. Saves screenshots."""
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, face, out = sys.argv[1], sys.argv[2], sys.argv[3]


def browser(javascript=True):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check(condition, message):
    if not condition:
        print("FAIL:", message)
        sys.exit(1)
    print("ok:", message)


driver = browser()
try:
    driver.get(url)
    check("Analyse a photo" in driver.title or "FaceGender" in driver.title, "page loads")
    driver.find_element(By.ID, "image").send_keys(face)
    WebDriverWait(driver, 30).until(EC.text_to_be_present_in_element((By.ID, "status"), "found"))
    faces = driver.find_elements(By.CSS_SELECTOR, "#faces li")
    check(len(faces) >= 1, "a face is listed")
    label = faces[0].text
    check(any(word in label for word in ("Female", "Male", "uncertain")), "the face has a label: " + label)
    check(len(driver.find_elements(By.CSS_SELECTOR, "#boxes .box")) == len(faces), "each face is boxed on the photo")
    driver.save_screenshot(os.path.join(out, "face.png"))

    with tempfile.NamedTemporaryFile("w", suffix=".jpg", delete=False) as f:
        f.write("this is not a photo")
    driver.find_element(By.ID, "image").send_keys(f.name)
    WebDriverWait(driver, 30).until(lambda d: "error" in d.find_element(By.ID, "status").get_attribute("class"))
    message = driver.find_element(By.ID, "status").text
    check("decoded" in message or "not an image" in message, "a non-image shows an error: " + message)
    driver.save_screenshot(os.path.join(out, "error.png"))
finally:
    driver.quit()

driver = browser(javascript=False)
try:
    driver.get(url)
    driver.find_element(By.ID, "image").send_keys(face)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".faces li")))
    check("Face 1" in driver.find_element(By.CSS_SELECTOR, ".faces").text, "without JavaScript the form returns a result page")
    driver.save_screenshot(os.path.join(out, "no-javascript.png"))
finally:
    driver.quit()
print("browser test passed; screenshots in", out)
