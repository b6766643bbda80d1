//! Accessibility checked by axe-core (the npm package `axe-core`, pinned
//! and installed by `.ci/run` into `target/axe-core/`), injected through
//! WebDriver into every page the browser tests photograph: a page with a
//! serious or critical violation fails its test, naming the rule, the
//! elements and what is wrong with them.
//!
//! Without `target/axe-core` the browser tests fail, saying how to get it;
//! only `VANPHONG_AXE=optional` lets them run without the check (and say
//! so).

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use crate::webdriver::Session;

/// Where `.ci/run` (`npm install --prefix target/axe-core axe-core@…`)
/// leaves axe-core's browser build.
fn script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe-core/node_modules/axe-core/axe.min.js")
}

/// axe-core's source, or `None` when it is missing and
/// `VANPHONG_AXE=optional`. Panics when it is missing otherwise.
pub fn source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = script_path();
            match std::fs::read_to_string(&path) {
                Ok(source) => Some(source),
                Err(e) if std::env::var("VANPHONG_AXE").as_deref() == Ok("optional") => {
                    eprintln!(
                        "ACCESSIBILITY NOT CHECKED: axe-core is not at {} ({e}); \
                         VANPHONG_AXE=optional lets the browser tests run without it",
                        path.display()
                    );
                    None
                }
                Err(e) => panic!(
                    "axe-core is not at {} ({e}): the console's pages cannot be checked for accessibility. \
                     Install the version .ci/run pins with `npm install --prefix target/axe-core axe-core@<version>` \
                     (or run .ci/run), or set VANPHONG_AXE=optional to run the browser tests without the check",
                    path.display()
                ),
            }
        })
        .as_deref()
}

/// What axe answers for the page: how many rules it applied, and its
/// serious and critical violations, one line per rule and element.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done({
    applied: r.passes.length + r.violations.length,
    found: r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .flatMap(v => v.nodes.map(n =>
        `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}`)),
    minor: r.violations
      .filter(v => v.impact !== 'serious' && v.impact !== 'critical')
      .map(v => `${v.impact} ${v.id} (${v.help}) ×${v.nodes.length}`),
  }))
  .catch(e => done({ applied: 0, found: [`axe failed: ${e}`], minor: [] }));
"#;

/// Checks the page the browser shows (`name` names it in the failure).
pub async fn check(browser: &Session<'_>, name: &str) {
    let Some(source) = source() else {
        return;
    };
    if browser.execute("return !!(window.axe && window.axe.run)").await != Value::Bool(true) {
        browser.execute(source).await;
    }
    let answer = browser.execute_async(RUN).await;
    let lines = |key: &str| -> Vec<String> {
        answer[key]
            .as_array()
            .map(|a| a.iter().filter_map(|l| l.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let url = browser.url().await;
    let found = lines("found");
    assert!(
        found.is_empty(),
        "{name} ({url}) has serious or critical accessibility violations:\n{}",
        found.join("\n")
    );
    // A page where axe found nothing to check was not checked.
    assert!(
        answer["applied"].as_u64().unwrap_or(0) > 0,
        "axe-core applied no rule to {name} ({url}): {answer}"
    );
    let minor = lines("minor");
    if !minor.is_empty() {
        eprintln!("{name} ({url}), minor accessibility findings: {}", minor.join("; "));
    }
}
