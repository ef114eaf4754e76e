//! Project automation: `cargo xtask codegen [--check]`, `cargo xtask catalogue`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask codegen [--check] | cargo xtask catalogue");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let spec = match alikassa_spec::load(root.join("spec")) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => codegen(&root, &spec, false),
        ["codegen", "--check"] => codegen(&root, &spec, true),
        ["catalogue"] => {
            print!("{}", alikassa_codegen::catalogue_json(&spec));
            ExitCode::SUCCESS
        }
        _ => usage(),
    }
}

fn codegen(root: &Path, spec: &alikassa_spec::Spec, check: bool) -> ExitCode {
    let files = match alikassa_codegen::generate(spec) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("codegen failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for f in &files {
        let path = root.join(&f.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(f.contents.as_str()) {
            continue;
        }
        if check {
            stale.push(f.path.clone());
            continue;
        }
        if let Some(dir) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("cannot create {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(e) = std::fs::write(&path, &f.contents) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("updated {}", f.path);
    }
    if !stale.is_empty() {
        eprintln!("generated files are stale; run `cargo xtask codegen`:");
        for s in stale {
            eprintln!("  {s}");
        }
        return ExitCode::FAILURE;
    }
    if check {
        println!("generated files are up to date ({} files)", files.len());
    }
    ExitCode::SUCCESS
}
