//! The layers of every service crate keep to their jobs: no protobuf type
//! (`vanphong_proto`) below `api/`. A service's `domain/` holds the rules
//! and `store/` the SQL, both in the domain's own types; the wire forms and
//! their conversions live in `api/` (its `convert` module). This walks the
//! source tree, so a new service and a new file are checked without being
//! listed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// Layers that must not see the wire.
const BELOW_API: &[&str] = &["domain", "store"];

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `domain/` and `store/` folders (or `domain.rs`/`store.rs` files) of
/// every crate under `services/`.
fn layer_files(services: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let crates = fs::read_dir(services).expect("services/ is readable");
    for krate in crates.flatten() {
        let src = krate.path().join("src");
        for layer in BELOW_API {
            rust_files(&src.join(layer), &mut files);
            let single = src.join(format!("{layer}.rs"));
            if single.is_file() {
                files.push(single);
            }
        }
    }
    files
}

/// The lines of `source` that name the protobuf crate.
fn wire_lines(source: &str) -> Vec<(usize, &str)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains("vanphong_proto") || line.contains("vanphong-proto"))
        .map(|(i, line)| (i + 1, line.trim()))
        .collect()
}

#[test]
fn no_wire_type_below_the_api_layer() {
    let services = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let files = layer_files(&services);
    assert!(
        files.len() > 20,
        "the walk found only {} files under services/*/src/{{domain,store}}; is the tree where it was?",
        files.len()
    );
    let mut found = Vec::new();
    for file in &files {
        let source = fs::read_to_string(file).expect("source is readable");
        for (line, text) in wire_lines(&source) {
            found.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "protobuf types below api/ (convert them in the service's api/convert instead):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_an_import() {
    assert_eq!(
        wire_lines("//! x\nuse vanphong_proto::documents::v1 as wire;\n"),
        vec![(2, "use vanphong_proto::documents::v1 as wire;")]
    );
    assert!(wire_lines("use vanphong_platform::Error;").is_empty());
}
