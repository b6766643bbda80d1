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

    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    Ok(())
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
