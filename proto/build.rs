//! Compiles every `.proto` under `vanphong/` with protox (no system protoc),
//! generates tonic clients and servers, and writes the encoded descriptor set
//! (with source comments and custom options) that reflection, the gateway's
//! REST routes and its OpenAPI document are built from.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    collect_protos(&root.join("vanphong"), &mut files)?;
    files.sort();
    let relative: Vec<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(&root).map(Path::to_path_buf))
        .collect::<Result<_, _>>()?;

    let mut compiler = protox::Compiler::new([&root])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&relative)?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("vanphong_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;

    // Type names let the codec find a request's rules; the codec checks
    // them on every server (see `contract`).
    let mut config = prost_build::Config::new();
    config.enable_type_names();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .codec_path("crate::contract::CheckedCodec")
        .compile_fds_with_config(compiler.file_descriptor_set(), config)?;

    std::fs::write(out_dir.join("vanphong_packages.rs"), package_modules(&root, &relative)?)?;

    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    Ok(())
}

/// The module `<area>::v1` of every package `vanphong.<area>.v1` (the
/// folders `vanphong/<area>/v1/`), so that a new package needs no line in
/// `src/lib.rs`. Each is documented by the opening comment of
/// `<area>.proto` where the package has that file.
fn package_modules(root: &Path, relative: &[PathBuf]) -> std::io::Result<String> {
    let mut areas: Vec<String> = relative
        .iter()
        .filter_map(|p| {
            let parts: Vec<&str> = p.iter().filter_map(|c| c.to_str()).collect();
            match parts.as_slice() {
                ["vanphong", area, "v1", _file] => Some(area.to_string()),
                _ => None,
            }
        })
        .collect();
    areas.dedup();
    let mut out = String::new();
    for area in areas {
        let main = root
            .join("vanphong")
            .join(&area)
            .join("v1")
            .join(format!("{area}.proto"));
        let opening: Vec<String> = if main.exists() {
            std::fs::read_to_string(&main)?
                .lines()
                .map_while(|l| l.strip_prefix("//"))
                .map(|l| l.trim().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let doc = if opening.is_empty() {
            format!("The package `vanphong.{area}.v1`.")
        } else {
            opening.join(" ")
        };
        out.push_str(&format!(
            "#[doc = {doc:?}]\npub mod {area} {{\n    pub mod v1 {{\n        \
             include!(concat!(env!(\"OUT_DIR\"), \"/vanphong.{area}.v1.rs\"));\n    }}\n}}\n"
        ));
    }
    Ok(out)
}

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    println!("cargo:rerun-if-changed={}", dir.display());
    Ok(())
}
