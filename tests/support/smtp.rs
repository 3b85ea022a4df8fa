//! A real SMTP server for tests: Python's aiosmtpd, filing each message in a maildir.
//! Shared by the mail port's tests and the end-to-end tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// A loopback port nothing listens on right now, taken from below the kernel's
/// ephemeral range (32768 and up): a port the kernel hands out for `bind(0)` or an
/// outgoing connection could be taken by another test between this check and the
/// moment the test's server binds it.
pub fn free_port() -> u16 {
    const FIRST: u16 = 20_000;
    const COUNT: u16 = 12_000;
    static NEXT: AtomicU16 = AtomicU16::new(0);
    // Test binaries run one after another; the process id keeps a rerun off the
    // ports a previous one may have left in TIME_WAIT.
    let start = (std::process::id() % u32::from(COUNT)) as u16;
    loop {
        let step = NEXT.fetch_add(7, Ordering::Relaxed);
        let port = FIRST + (start.wrapping_add(step) % COUNT);
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A real SMTP server (Python's aiosmtpd) delivering into a maildir; stopped on drop.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts one, or returns `None` after a skip line when aiosmtpd is not installed.
    pub fn start(test: &str) -> Option<SmtpServer> {
        let importable = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !importable {
            let what = "python3 with aiosmtpd (pip install aiosmtpd)";
            assert!(
                std::env::var("IDP_TEST_REQUIRE_BACKENDS").as_deref() != Ok("1"),
                "{test}: {what} is required because IDP_TEST_REQUIRE_BACKENDS=1"
            );
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("\nSKIPPED: {test} needs {what}\n").as_bytes(),
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(dir.path().join("maildir"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut server = SmtpServer { child, port, dir };
        server.wait_until_listening();
        Some(server)
    }

    fn wait_until_listening(&mut self) {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "aiosmtpd exited with {status} before listening:\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {addr} in time:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Once `count` messages arrived, the link to `path` (from `path` on) in the one
    /// message that `which` picks (the maildir lists messages in no particular order).
    pub fn link_to(&self, path: &str, count: usize, which: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                assert_eq!(messages.len(), count, "one message per request");
                // Undo quoted-printable, which long lines get.
                let decoded: Vec<String> = messages
                    .iter()
                    .map(|m| {
                        m.replace("=\r\n", "")
                            .replace("=\n", "")
                            .replace("=3D", "=")
                    })
                    .filter(|m| which(m))
                    .collect();
                assert_eq!(decoded.len(), 1, "one message matches");
                let link = decoded[0]
                    .split_whitespace()
                    .find(|w| w.contains(path))
                    .unwrap_or_else(|| panic!("a link to {path} in {}", decoded[0]));
                let at = link.find(path).unwrap();
                return link[at..].to_owned();
            }
            assert!(Instant::now() < deadline, "no mail: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The messages delivered so far (the maildir's `new` folder).
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(new) else {
            return Vec::new();
        };
        entries
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
