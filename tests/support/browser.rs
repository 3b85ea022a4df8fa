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
