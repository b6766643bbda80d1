//! The `vanphong` command itself.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use vanphong_platform::config::Settings;
use vanphong_platform::db::query;

use crate::helpers::spawn_app;

fn vanphong(settings: &Settings, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vanphong"));
    command
        .args(args)
        .arg("--data-dir")
        .arg(&settings.data_dir)
        .arg("--log")
        .arg("error");
    command.args(database_args(settings));
    command
}

/// The flags that point the command at the test's databases.
pub(crate) fn database_args(settings: &Settings) -> Vec<String> {
    match &settings.database_url {
        Some(url) => vec![
            "--database-url".into(),
            url.clone(),
            "--database-schema-prefix".into(),
            settings.database_schema_prefix.clone(),
        ],
        None => Vec::new(),
    }
}

pub(crate) fn run(settings: &Settings, args: &[&str]) -> Output {
    vanphong(settings, args).output().expect("vanphong runs")
}

/// Like [`run`], with environment variables (secrets are passed so).
pub(crate) fn run_with_env(settings: &Settings, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = vanphong(settings, args);
    command.envs(env.iter().copied());
    command.output().expect("vanphong runs")
}

#[tokio::test]
async fn help_explains_every_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_vanphong"))
        .arg("--help")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "migrate", "audit", "--data-dir", "--database-url"] {
        assert!(text.contains(word), "{word} missing from --help");
    }
}

#[tokio::test]
async fn audit_verify_command_reports_tampering_with_its_exit_status() {
    let app = spawn_app().await;
    let out = run(&app.settings, &["audit", "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nguyên vẹn"));

    let db = app.directory_db().await;
    let mut tx = db.begin_write().await.expect("tx");
    tx.execute(
        query("UPDATE audit_records SET action = 'delete' WHERE office_id = $1 AND seq = 1").bind(app.office_id("tu")),
    )
    .await
    .expect("tamper");
    tx.commit().await.expect("commit");
    let out = run(&app.settings, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains(&app.office_id("tu")), "{report}");
}

#[tokio::test]
async fn serve_with_demo_comes_up_and_stops_on_sigterm() {
    // A fresh data folder, and port 0: the server binds a free port itself
    // and its banner says which (no port picked here that another test could
    // take first).
    let data = tempfile::tempdir().expect("tempdir");
    let settings = crate::helpers::test_options(&data).resolve().expect("settings");
    let mut child = vanphong(
        &settings,
        &[
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--password-hash-memory-kib",
            "64",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .expect("started");

    // What it prints, read as it is printed: the address, then the accounts.
    let stdout = child.stdout.take().expect("stdout");
    let (tell, address) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut printed = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("đang chạy tại http://").nth(1) {
                let _ = tell.send(rest.split_whitespace().next().unwrap_or_default().to_string());
            }
            printed.push_str(&line);
            printed.push('\n');
        }
        printed
    });
    // Generous: the demo loads through the API, and a busy machine (or a
    // remote PostgreSQL) makes that slow; this is a liveness check only.
    let listen = tokio::task::spawn_blocking(move || address.recv_timeout(Duration::from_secs(180)))
        .await
        .expect("join")
        .expect("the banner names the address it listens on");

    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut ready = false;
    for _ in 0..240 {
        if let Ok(response) = client
            .get(format!("http://{listen}/readyz").parse().expect("uri"))
            .await
            && response.status() == http::StatusCode::OK
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(ready, "/readyz at {listen} never answered 200");

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("exit");
    assert!(status.success(), "exit status {status:?}");
    let printed = reader.join().expect("reader");
    assert!(printed.contains("hiephoa.vanthu"), "{printed}");
    assert!(printed.contains(vanphong::demo::DEMO_PASSWORD));
}

#[tokio::test]
async fn a_gateway_stays_ready_when_a_backend_is_down_and_says_which() {
    let data = tempfile::tempdir().expect("tempdir");
    let settings = crate::helpers::test_options(&data).resolve().expect("settings");
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port()
    };
    let listen = format!("127.0.0.1:{}", free_port());
    // Nothing listens where the documents service should be.
    let nowhere = format!("http://127.0.0.1:{}", free_port());
    let mut child = vanphong(
        &settings,
        &[
            "serve",
            "gateway",
            "--listen",
            &listen,
            "--documents-url",
            &nowhere,
            "--admin-password",
            "Quan-tri@2026",
            "--password-hash-memory-kib",
            "64",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("started");

    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<bytes::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
    let mut answer = None;
    for _ in 0..120 {
        if let Ok(response) = client
            .get(format!("http://{listen}/readyz").parse().expect("uri"))
            .await
        {
            let status = response.status();
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .expect("body")
                .to_bytes();
            answer = Some((
                status,
                serde_json::from_slice::<serde_json::Value>(&body).expect("json"),
            ));
            if status == http::StatusCode::OK {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let (status, body) = answer.expect("/readyz answered");
    assert_eq!(status, http::StatusCode::OK, "{body}");
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["checks"]["directory"], "serving");
    assert_eq!(body["checks"]["documents"], "not serving");
}

#[tokio::test]
async fn audit_verify_command_catches_a_recomputed_chain_with_only_the_public_key() {
    let app = spawn_app().await;
    // Verified intact once, every chain gets a signed checkpoint.
    let out = run(&app.settings, &["audit", "verify", "gateway"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let tu = app.office_id("tu");
    let db = app.directory_db().await;
    crate::audit::rewrite_and_recompute(&db, &tu, 1, r#"{"name":"Ủy ban giả"}"#).await;

    // An auditor given only the public half of the audit key.
    let public = vanphong_platform::identity::public_key_path(&app.settings.audit_key_file);
    let public = public.to_str().expect("utf-8 path");
    let out = run(
        &app.settings,
        &["audit", "verify", "gateway", "--audit-key-file", public],
    );
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains(&tu), "{report}");
    assert!(report.contains("đã bị tính lại"), "{report}");
}

#[tokio::test]
async fn audit_export_command_writes_a_file_that_verifies_only_with_its_key() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("tu.json");
    let tu = app.office_id("tu");
    let out = run(
        &app.settings,
        &[
            "audit",
            "export",
            "gateway",
            "--office",
            &tu,
            "--from",
            "2000-01-01",
            "--to",
            "2099-12-31",
            "--out",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let content = std::fs::read(&file).expect("the file was written");
    let json: serde_json::Value = serde_json::from_slice(&content).expect("json");
    assert_eq!(json["export"]["service"], "directory");
    assert!(!json["export"]["records"].as_array().expect("records").is_empty());
    let out = crate::audit::verify_export(&app, &content);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Checked against another deployment's key, the file is refused.
    let other = dir.path().join("other-key.pem");
    vanphong_platform::audit_anchor::AuditKey::load_or_create(&other).expect("another key");
    let out = run(
        &app.settings,
        &[
            "audit",
            "verify-export",
            file.to_str().expect("utf-8"),
            "--public-key",
            other.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("khóa"));

    // An export covers one service's trail.
    let out = run(
        &app.settings,
        &[
            "audit",
            "export",
            "all",
            "--office",
            &tu,
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ],
    );
    assert!(!out.status.success());
}
