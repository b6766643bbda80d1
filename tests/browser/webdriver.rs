//! A small WebDriver client (W3C protocol, JSON over HTTP) for Debian's
//! chromedriver driving headless chromium: what the browser tests need and
//! nothing more. chromedriver is started on a free port for each test and
//! stopped with it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver.
pub struct Driver {
    child: Child,
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where chromedriver and chromium are, if installed.
pub fn installed() -> Option<(String, String)> {
    let find = |names: &[&str]| {
        names
            .iter()
            .find(|n| std::path::Path::new(n).exists())
            .map(|n| n.to_string())
    };
    Some((
        find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])?,
        find(&["/usr/bin/chromium", "/usr/lib/chromium/chromium"])?,
    ))
}

impl Driver {
    /// Starts chromedriver and waits until it answers.
    pub async fn start(chromedriver: &str) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: Client::builder(TokioExecutor::new()).build_http(),
        };
        for _ in 0..100 {
            if let Ok(status) = driver.call("GET", "/status", None).await
                && status["ready"] == true
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not become ready");
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.map(|b| b.to_string()).unwrap_or_default())))
            .map_err(|e| e.to_string())?;
        let response = self.http.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {}", json["value"]));
        }
        Ok(json["value"].clone())
    }

    /// A new headless browser session.
    pub async fn session(&self, chromium: &str) -> Session<'_> {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--lang=vi", "--window-size=1366,768", "--hide-scrollbars"]
            }
        }}});
        let answer = self
            .call("POST", "/session", Some(capabilities))
            .await
            .expect("a browser session");
        Session {
            driver: self,
            id: answer["sessionId"].as_str().expect("session id").to_string(),
        }
    }
}

/// One browser.
pub struct Session<'d> {
    driver: &'d Driver,
    id: String,
}

/// An element of the page.
pub struct Element<'s, 'd> {
    session: &'s Session<'d>,
    id: String,
}

impl<'d> Session<'d> {
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)
            .await
    }

    /// Lays the page out as a screen of this size (device pixels 1:1;
    /// `mobile` for a phone's viewport rules).
    pub async fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile
            }})),
        )
        .await
        .expect("viewport");
    }

    pub async fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})))
            .await
            .expect("navigate");
    }

    pub async fn url(&self) -> String {
        self.call("GET", "/url", None)
            .await
            .expect("url")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The first element matching a CSS selector, waiting up to 5 s for it.
    pub async fn find(&self, css: &str) -> Element<'_, 'd> {
        self.find_by("css selector", css).await
    }

    /// The first element matching an XPath (to pick an option by its
    /// text), waiting up to 5 s for it.
    pub async fn find_xpath(&self, xpath: &str) -> Element<'_, 'd> {
        self.find_by("xpath", xpath).await
    }

    async fn find_by(&self, using: &str, css: &str) -> Element<'_, 'd> {
        let mut last = String::new();
        for _ in 0..50 {
            match self
                .call("POST", "/element", Some(json!({"using": using, "value": css})))
                .await
            {
                Ok(found) => {
                    return Element {
                        session: self,
                        id: found[ELEMENT].as_str().expect("element id").to_string(),
                    };
                }
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css} on {}: {last}", self.url().await);
    }

    /// The text of the element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await
    }

    /// Runs a script in the page (WebDriver's own channel, not the page's).
    pub async fn script(&self, script: &str) {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
            .await
            .expect("script");
    }

    /// Runs a script in the page and answers what it returns.
    pub async fn execute(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
            .await
            .expect("script")
    }

    /// Runs a script that answers later, by calling its last argument (a
    /// promise's result); waits up to 60 s.
    pub async fn execute_async(&self, script: &str) -> Value {
        self.call("POST", "/timeouts", Some(json!({"script": 60_000})))
            .await
            .expect("script timeout");
        self.call("POST", "/execute/async", Some(json!({"script": script, "args": []})))
            .await
            .expect("async script")
    }

    /// The page as PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        let b64 = self.call("GET", "/screenshot", None).await.expect("screenshot");
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("png")
    }

    /// Waits until the URL satisfies `ok` (after a form's redirect).
    pub async fn wait_for_url(&self, ok: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            let url = self.url().await;
            if ok(&url) {
                return url;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the URL stayed {}", self.url().await);
    }

    /// Forgets every cookie (signs this browser out without asking).
    pub async fn delete_cookies(&self) {
        self.call("DELETE", "/cookie", None).await.expect("delete cookies");
    }

    pub async fn close(self) {
        let _ = self.call("DELETE", "", None).await;
    }
}

impl Element<'_, '_> {
    pub async fn click(&self) {
        self.session
            .call("POST", &format!("/element/{}/click", self.id), Some(json!({})))
            .await
            .expect("click");
    }

    /// Types into the element (for a file input: the file's path).
    pub async fn type_text(&self, text: &str) {
        self.session
            .call(
                "POST",
                &format!("/element/{}/value", self.id),
                Some(json!({"text": text})),
            )
            .await
            .expect("type");
    }

    pub async fn text(&self) -> String {
        self.session
            .call("GET", &format!("/element/{}/text", self.id), None)
            .await
            .expect("text")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}
