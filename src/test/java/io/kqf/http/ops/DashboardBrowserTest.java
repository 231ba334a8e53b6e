package io.kqf.http.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.kqf.support.TestFacade;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's chromium, headless, driven through its own
 * chromedriver (Selenium downloads nothing). .ci/run installs both; without them this test is
 * skipped, not failed.
 */
class DashboardBrowserTest {
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String CHROMIUM = "/usr/bin/chromium";
    /** How long the page gets to show a change: it polls each second, and a browser on a busy box is slow. */
    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(30);

    private static TestFacade facade;
    private static WebDriver browser;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(CHROMEDRIVER.canExecute() && new File(CHROMIUM).canExecute(),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        facade = TestFacade.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (facade != null) {
            facade.close();
        }
    }

    @Test
    void the_page_shows_a_queue_made_by_a_put_and_follows_the_next_put_without_a_reload() throws IOException {
        String queue = "dashboard_jobs";
        assertEquals(200, facade.http.get("/put?queue=" + queue + "&item=first").status());

        browser.get("http://127.0.0.1:" + facade.httpPort() + "/ui");
        assertEquals("kqf dashboard", browser.getTitle());
        awaitCell(queue, "ready0", "1");
        awaitCell(queue, "type", "work");
        Object loadedAt = script("return window.kqfDashboard.loadedAt");

        assertEquals(200, facade.http.get("/put?queue=" + queue + "&item=second&priori=2").status());
        awaitCell(queue, "ready2", "1");
        assertEquals(200, facade.http.get("/put?queue=" + queue + "&item=third").status());
        awaitCell(queue, "ready0", "2");
        assertEquals(loadedAt, script("return window.kqfDashboard.loadedAt"), "the page updated in place, not by a reload");
        String node = facade.settings().get("node.id");
        new WebDriverWait(browser, SHOWN_WITHIN).until(page -> !page.findElements(
                By.cssSelector("#nodes tr[data-node='" + node + "']")).isEmpty());
        assertTrue(browser.findElement(By.id("error")).getAttribute("hidden") != null, "no refresh error shown");

        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Files.size(shot) > 0, shot.toString());
    }

    private static void awaitCell(String queue, String field, String expected) {
        By cell = By.cssSelector("tr[data-queue='" + queue + "'] [data-field='" + field + "']");
        new WebDriverWait(browser, SHOWN_WITHIN).until(page -> page.findElements(cell).stream()
                .anyMatch(found -> found.getText().equals(expected)));
    }

    private static Object script(String source) {
        return ((JavascriptExecutor) browser).executeScript(source);
    }
}
