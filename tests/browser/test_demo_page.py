"""The demo web page in headless Chromium, uploading to the real workers.

The page and its FastAPI backend share one origin, which is the only origin the
stack allows; the same page served from a second port plays a site that is not
allowed. Chromium is Debian's package (``make install`` installs it), driven by
Playwright's own driver; no browser is downloaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from demo_backend import DemoServer, load_app, stack_config
from harness import ROOT, LocalStack, free_port
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
PHOTO = CORPUS / "grace_hopper.jpg"
SCREENSHOT = ROOT / "test-results" / "demo-upload.png"
UPLOAD_TIMEOUT_MS = 30_000

# Records every value the progress bar shows, as a person would see it change.
WATCH_PROGRESS = """
window.progressSeen = [];
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.getElementById("progress");
  new MutationObserver(() => window.progressSeen.push(bar.value))
    .observe(bar, { attributes: true, attributeFilter: ["value"] });
});
"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is missing: run make install"
)


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    return {"allowed": free_port(), "outsider": free_port()}


@pytest.fixture(scope="module")
def browser_stack(ports: dict[str, int]) -> Iterator[LocalStack]:
    """A stack that allows uploads from the demo page's origin only."""
    allowed = f"http://127.0.0.1:{ports['allowed']}"
    local = LocalStack(env={"KALOS_VAR_ALLOWED_ORIGINS": allowed}).start()
    yield local
    local.cleanup()


@pytest.fixture(scope="module")
def sites(browser_stack: LocalStack, ports: dict[str, int]) -> Iterator[dict[str, str]]:
    """The demo site's origin, and the same site on an origin the stack refuses."""
    app = load_app().create_app(stack_config(browser_stack))
    with (
        DemoServer(app, ports["allowed"]) as allowed,
        DemoServer(app, ports["outsider"]) as outsider,
    ):
        yield {"allowed": allowed.origin, "outsider": outsider.origin}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 900, "height": 900})
    new_page = context.new_page()
    new_page.add_init_script(WATCH_PROGRESS)
    yield new_page
    context.close()


def pick_file(page: Page, path: Path) -> str:
    """Choose ``path`` in the page's file input; returns the granted object key."""
    with page.expect_response("**/api/grants") as answer:
        page.set_input_files("#file", path)
    assert answer.value.status == 201
    return str(answer.value.json()["key"])


def throttle_uploads(page: Page, bytes_per_second: int) -> None:
    """Slow the page's uploads down, as a mobile link would.

    On loopback a 60 kB photo goes in one step, and the bar jumps from 0 to 100;
    slowed down, the browser reports progress along the way, as people see it.
    """
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def is_stored(stack: LocalStack, key: str) -> bool:
    response = httpx.get(f"{stack.urls['public']}/{key}")
    assert response.status_code in (200, 404)
    return response.status_code == 200


def test_a_photo_uploads_with_progress_and_renders_from_its_public_url(
    page: Page, sites: dict[str, str], browser_stack: LocalStack
) -> None:
    page.goto(sites["allowed"])
    throttle_uploads(page, bytes_per_second=40_000)

    key = pick_file(page, PHOTO)

    expect(page.locator("#status")).to_have_text("Uploaded.", timeout=UPLOAD_TIMEOUT_MS)
    progress = page.evaluate("window.progressSeen")
    assert any(0 < value < 100 for value in progress), progress
    assert progress == sorted(progress)
    assert progress[-1] == 100
    expect(page.locator("#percent")).to_have_text("100 %")

    preview = page.locator("#preview")
    expect(preview).to_have_attribute("src", f"{browser_stack.urls['public']}/{key}")
    page.wait_for_function(
        "() => document.getElementById('preview').complete",
        timeout=UPLOAD_TIMEOUT_MS,
    )
    assert preview.evaluate("image => image.naturalWidth") == 512
    expect(page.locator("#details")).to_contain_text("receipt verified for alice")
    assert is_stored(browser_stack, key)

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_a_refused_file_shows_the_problem_detail_and_code(
    page: Page, sites: dict[str, str], browser_stack: LocalStack
) -> None:
    page.goto(sites["allowed"])

    key = pick_file(page, CORPUS / "page-named-png.png")

    error = page.locator("#error")
    expect(error).to_be_visible(timeout=UPLOAD_TIMEOUT_MS)
    expect(error).to_contain_text("not a complete header of any supported image type")
    expect(error).to_contain_text("(type_unrecognized)")
    expect(page.locator("#result")).to_be_hidden()
    assert not is_stored(browser_stack, key)


def test_a_page_on_an_origin_that_is_not_allowed_cannot_upload(
    page: Page, sites: dict[str, str], browser_stack: LocalStack
) -> None:
    page.goto(sites["outsider"])

    key = pick_file(page, PHOTO)

    error = page.locator("#error")
    expect(error).to_be_visible(timeout=UPLOAD_TIMEOUT_MS)
    expect(error).to_contain_text("(network_error)")
    expect(page.locator("#result")).to_be_hidden()
    assert not is_stored(browser_stack, key)
    assert '"origin_not_allowed"' in browser_stack.log()
