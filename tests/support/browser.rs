//! A real headless Chromium for end-to-end tests, driven over WebDriver by chromedriver:
//! pages are loaded, filled in and clicked as a person would, and screenshots are kept
//! under `target/test-artifacts/`.
//!
//! Include it next to `support`:
//! ```ignore
//! mod support;
//! #[path = "support/browser.rs"]
//! mod browser;
//! ```
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `wait_for` waits for an element to appear.
const WAIT: Duration = Duration::from_secs(10);

/// A headless Chromium session and the chromedriver that runs it. Dropping it ends the
/// session (Chromium quits) and kills chromedriver.
pub struct Browser {
    client: Client,
    driver: Child,
    port: u16,
    session: Option<String>,
    /// TMPDIR of chromedriver and Chromium (profiles, singleton sockets), removed on drop.
    _tmp: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver (`IDP_TEST_CHROMEDRIVER`) on a free port and opens a headless
    /// Chromium session (`IDP_TEST_CHROMIUM`, default `/usr/bin/chromium`). Without
    /// `IDP_TEST_CHROMEDRIVER` the test is skipped with a `SKIPPED:` line, or fails when
    /// `IDP_TEST_REQUIRE_BACKENDS=1`.
    pub async fn start(test: &str) -> Option<Browser> {
        let chromedriver = crate::support::backend_url("IDP_TEST_CHROMEDRIVER", test)?;
        let chromium = std::env::var("IDP_TEST_CHROMIUM")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "/usr/bin/chromium".to_owned());
        let port = crate::support::free_port();
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("no temporary directory: {e}"));
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that Drop also reaches a Chromium left behind.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}"));
        let webdriver = format!("http://127.0.0.1:{port}");

        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = http.get(format!("{webdriver}/status")).send().await
                && let Ok(status) = r.json::<Value>().await
                && status["value"]["ready"] == true
            {
                break;
            }
            if let Ok(Some(exit)) = driver.try_wait() {
                panic!("{chromedriver} exited before answering: {exit}");
            }
            if Instant::now() >= deadline {
                kill_group(&mut driver);
                panic!("{chromedriver} did not answer on port {port} within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,1600",
                ],
            }),
        );
        let client = match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&webdriver)
            .await
        {
            Ok(client) => client,
            Err(e) => {
                kill_group(&mut driver);
                panic!("chromedriver could not open a {chromium} session: {e}");
            }
        };
        let session = client.session_id().await.ok().flatten();
        Some(Browser {
            client,
            driver,
            port,
            session,
            _tmp: tmp,
        })
    }

    /// The WebDriver client, for anything the helpers below do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Loads `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The first element matching the CSS selector; fails the test if there is none.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => panic!("no element {css:?} on {}: {e}", self.current_url().await),
        }
    }

    /// Waits up to 10 s for an element matching the CSS selector to appear.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no element {css:?} appeared on {} within {WAIT:?}: {e}",
                self.current_url().await
            ),
        }
    }

    /// Clears the field matching the CSS selector and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear {css:?}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css:?}: {e}"));
    }

    /// Clicks the element matching the CSS selector (a submit button waits for the next page).
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css:?}: {e}"));
    }

    /// The visible text of the element matching the CSS selector.
    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("cannot read the text of {css:?}: {e}"))
    }

    /// Whether an element matches the CSS selector now (no waiting).
    pub async fn exists(&self, css: &str) -> bool {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|all| !all.is_empty())
            .unwrap_or_else(|e| panic!("cannot look for {css:?}: {e}"))
    }

    /// The current page's HTML as the browser has it now.
    pub async fn page_source(&self) -> String {
        self.client
            .source()
            .await
            .unwrap_or_else(|e| panic!("cannot read the page source: {e}"))
    }

    /// The address of the current page.
    pub async fn current_url(&self) -> url::Url {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("cannot read the current URL: {e}"))
    }

    /// Saves a PNG of the viewport as `<target>/test-artifacts/<name>.png` and returns its
    /// path; `<target>` is `CARGO_TARGET_DIR` when set, else the workspace's `target`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("cannot take screenshot {name:?}: {e}"));
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let file: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{file}.png"));
        std::fs::write(&path, png)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("screenshot: {}", path.display());
        path
    }
}

/// An XPath string literal for `text`.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Finding and using controls by their role and accessible name, as a person (or a
/// screen reader) would: visible text, `aria-label`, or the `<label>` of a field.
impl Browser {
    async fn by_xpath(&self, what: &str, xpath: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(xpath))
            .await
        {
            Ok(e) => e,
            Err(e) => panic!(
                "no {what} on {}: {e}\n{}",
                self.current_url().await,
                self.visible_text().await
            ),
        }
    }

    /// The button named `name` (its text, `aria-label` or value).
    pub async fn button(&self, name: &str) -> fantoccini::elements::Element {
        let n = xpath_literal(name);
        let xpath = format!(
            "//button[normalize-space(.)={n} or @aria-label={n}] | //input[(@type='submit' or @type='button') and (@value={n} or @aria-label={n})]"
        );
        self.by_xpath(&format!("button {name:?}"), &xpath).await
    }

    /// Clicks the button named `name` and waits for the page it leads to.
    pub async fn click_button(&self, name: &str) {
        let button = self.button(name).await;
        let before = self.page_root().await;
        button
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click button {name:?}: {e}"));
        self.wait_for_next_page(before, name).await;
    }

    async fn page_root(&self) -> fantoccini::elements::Element {
        self.find("html").await
    }

    /// Waits until the page that held `before` is gone and the next one has loaded.
    async fn wait_for_next_page(&self, before: fantoccini::elements::Element, what: &str) {
        let deadline = Instant::now() + WAIT;
        while before.tag_name().await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "{what:?} did not lead to another page within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        while self
            .client
            .execute("return document.readyState", vec![])
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .as_deref()
            != Some("complete")
        {
            assert!(
                Instant::now() < deadline,
                "the page after {what:?} did not load"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Whether a button named `name` is on the page now (no waiting).
    pub async fn has_button(&self, name: &str) -> bool {
        let n = xpath_literal(name);
        let xpath = format!(
            "//button[normalize-space(.)={n} or @aria-label={n}] | //input[(@type='submit' or @type='button') and (@value={n} or @aria-label={n})]"
        );
        !self
            .client
            .find_all(Locator::XPath(&xpath))
            .await
            .unwrap_or_default()
            .is_empty()
    }

    /// Follows the link named `name`.
    pub async fn click_link(&self, name: &str) {
        let n = xpath_literal(name);
        let xpath = format!("//a[normalize-space(.)={n} or @aria-label={n}]");
        let link = self.by_xpath(&format!("link {name:?}"), &xpath).await;
        let before = self.page_root().await;
        link.click()
            .await
            .unwrap_or_else(|e| panic!("cannot follow link {name:?}: {e}"));
        self.wait_for_next_page(before, name).await;
    }

    /// Whether a link named `name` is on the page now (no waiting).
    pub async fn has_link(&self, name: &str) -> bool {
        let n = xpath_literal(name);
        let xpath = format!("//a[normalize-space(.)={n} or @aria-label={n}]");
        !self
            .client
            .find_all(Locator::XPath(&xpath))
            .await
            .unwrap_or_default()
            .is_empty()
    }

    /// The form control labelled `label`: by `<label for>`, a wrapping `<label>`, or
    /// `aria-label`.
    pub async fn field(&self, label: &str) -> fantoccini::elements::Element {
        let l = xpath_literal(label);
        let xpath = format!(
            "//*[@id=//label[normalize-space(.)={l}]/@for] | //label[normalize-space(.)={l}]//*[self::input or self::select or self::textarea] | //*[(self::input or self::select or self::textarea) and @aria-label={l}]"
        );
        self.by_xpath(&format!("field labelled {label:?}"), &xpath)
            .await
    }

    /// Clears the field labelled `label` and types `text` into it.
    pub async fn fill_field(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("cannot clear {label:?}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {label:?}: {e}"));
    }

    /// Chooses the option named `option` in the drop-down labelled `label`.
    pub async fn select_option(&self, label: &str, option: &str) {
        let select = self.field(label).await;
        let o = xpath_literal(option);
        let choice = select
            .find(Locator::XPath(&format!(
                ".//option[normalize-space(.)={o}]"
            )))
            .await
            .unwrap_or_else(|e| panic!("no option {option:?} in {label:?}: {e}"));
        choice
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot choose {option:?} in {label:?}: {e}"));
    }

    /// Ticks the checkbox (or radio button) labelled `label`, if it is not ticked.
    pub async fn check(&self, label: &str) {
        let field = self.field(label).await;
        let on = field.prop("checked").await.ok().flatten();
        if on.as_deref() != Some("true") {
            field
                .click()
                .await
                .unwrap_or_else(|e| panic!("cannot tick {label:?}: {e}"));
        }
    }

    /// The text a person sees on the page.
    pub async fn visible_text(&self) -> String {
        self.client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Whether the page shows `text`.
    pub async fn has_text(&self, text: &str) -> bool {
        self.visible_text().await.contains(text)
    }

    /// The page's first heading.
    pub async fn heading(&self) -> String {
        self.text("h1").await
    }

    /// Sets the window's width (and a tall height), to try a page as a phone shows it.
    pub async fn set_width(&self, width: u32) {
        self.client
            .set_window_size(width, 1600)
            .await
            .unwrap_or_else(|e| panic!("cannot resize the window to {width}: {e}"));
    }

    /// Runs axe-core (`IDP_TEST_AXE`: the path of `axe.min.js`) on the page and fails the
    /// test on any serious or critical violation; also checks that the page does not
    /// scroll sideways at the current width. Without `IDP_TEST_AXE` the check is skipped
    /// with a `SKIPPED:` line, or fails when `IDP_TEST_REQUIRE_BACKENDS=1`.
    pub async fn axe_check(&self, page: &str) {
        let Some(path) = crate::support::backend_url("IDP_TEST_AXE", page) else {
            return;
        };
        let source = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read axe-core at {path}: {e}"));
        self.client
            .execute(&source, vec![])
            .await
            .unwrap_or_else(|e| panic!("cannot load axe-core into {page}: {e}"));
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']})\
                   .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,\
                     nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))\
                   .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run on {page}: {e}"));
        let bad: Vec<&Value> = result
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            bad.is_empty(),
            "accessibility violations on {page} ({}):\n{}",
            self.current_url().await,
            serde_json::to_string_pretty(&bad).unwrap_or_default()
        );
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        if overflow > 1 {
            let wide = self
                .client
                .execute(
                    "const w = document.documentElement.clientWidth;\
                     return [...document.querySelectorAll('body *')]\
                       .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap *'))\
                       .slice(0, 8).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)\
                       .concat(['inner ' + window.innerWidth, 'client ' + w, 'scroll ' + document.documentElement.scrollWidth]);",
                    vec![],
                )
                .await
                .unwrap_or_default();
            panic!("{page} scrolls sideways by {overflow} px at this width; too wide: {wide}");
        }
    }
}

/// WebDriver's WebAuthn extension (chromedriver implements it): virtual authenticators
/// and their credentials, for passkey tests.
impl Browser {
    async fn webauthn(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let session = self
            .session
            .as_deref()
            .unwrap_or_else(|| panic!("no WebDriver session"));
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/webauthn/{path}",
            self.port
        );
        let mut request = reqwest::Client::new().request(method.clone(), &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{method} {url}: {status} {value}");
        value["value"].clone()
    }

    /// Adds a virtual CTAP2 platform authenticator that keeps discoverable credentials and
    /// verifies its user; answers its id.
    pub async fn add_virtual_authenticator(&self) -> String {
        let id = self
            .webauthn(
                reqwest::Method::POST,
                "authenticator",
                Some(json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserVerified": true,
                })),
            )
            .await;
        id.as_str()
            .unwrap_or_else(|| panic!("no authenticator id in {id}"))
            .to_owned()
    }

    /// The credentials a virtual authenticator holds (`credentialId`, `rpId`,
    /// `userHandle`, `signCount`, `privateKey`, base64url).
    pub async fn virtual_credentials(&self, authenticator: &str) -> Vec<Value> {
        let all = self
            .webauthn(
                reqwest::Method::GET,
                &format!("authenticator/{authenticator}/credentials"),
                None,
            )
            .await;
        all.as_array().cloned().unwrap_or_default()
    }

    /// Puts `credential` (as [`Browser::virtual_credentials`] lists it) into the
    /// authenticator, replacing the one with its id.
    pub async fn put_virtual_credential(&self, authenticator: &str, credential: &Value) {
        let id = credential["credentialId"].as_str().unwrap_or_default();
        self.webauthn(
            reqwest::Method::DELETE,
            &format!("authenticator/{authenticator}/credentials/{id}"),
            None,
        )
        .await;
        self.webauthn(
            reqwest::Method::POST,
            &format!("authenticator/{authenticator}/credential"),
            Some(credential.clone()),
        )
        .await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Drop cannot await, so end the session with a plain blocking request: Chromium
        // quits and chromedriver removes its temporary profile.
        if let Some(id) = &self.session {
            delete_session(self.port, id);
        }
        kill_group(&mut self.driver);
    }
}

/// Where screenshots go: `$CARGO_TARGET_DIR/test-artifacts`, else the workspace's
/// `target/test-artifacts`.
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")));
    target.join("test-artifacts")
}

fn delete_session(port: u16, id: &str) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return;
    }
    // Wait for the whole answer (the session is gone by then); chromedriver may keep the
    // connection open, so stop at the end of the body rather than at end of stream.
    let mut answer = Vec::new();
    let mut chunk = [0_u8; 4096];
    while let Ok(n @ 1..) = stream.read(&mut chunk) {
        answer.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if answer_complete(&answer) {
            break;
        }
    }
}

/// Whether `answer` holds an HTTP response's head and all of its `Content-Length` body.
fn answer_complete(answer: &[u8]) -> bool {
    let text = String::from_utf8_lossy(answer);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())
            .flatten()
    });
    length.is_some_and(|length| body.len() >= length)
}

/// Kills chromedriver's process group (it and any Chromium it started) and reaps it.
fn kill_group(driver: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", driver.id())])
        .stderr(Stdio::null())
        .status();
    let _ = driver.kill();
    let _ = driver.wait();
}
