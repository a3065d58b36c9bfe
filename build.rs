//! Embeds the calendar seeds so the binary carries them wherever it runs, and rebuilds when a
//! migration is added (diesel's `embed_migrations!` reads the directory at compile time).
use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it was compiled: cargo may reuse a compiled script
    // for a checkout at another path.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    for backend in ["sqlite", "postgres"] {
        println!(
            "cargo:rerun-if-changed={}",
            Path::new(&manifest)
                .join("migrations")
                .join(backend)
                .display()
        );
    }
    let root = Path::new(&manifest).join("seeds/calendar");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for region in std::fs::read_dir(&root).expect("seeds/calendar exists") {
        let region = region.unwrap().path();
        if !region.is_dir() {
            continue;
        }
        println!("cargo:rerun-if-changed={}", region.display());
        for file in std::fs::read_dir(&region).unwrap() {
            let path = file.unwrap().path();
            let (Some(stem), Some("csv")) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            let year: i32 = stem
                .parse()
                .unwrap_or_else(|_| panic!("{} is not named YEAR.csv", path.display()));
            let region_name = region.file_name().unwrap().to_str().unwrap().to_string();
            entries.push((region_name, year, path.display().to_string()));
        }
    }
    entries.sort();
    let mut out = String::from("/// (region, year, CSV text) for every file under seeds/calendar/REGION/YEAR.csv.\npub const CALENDAR_SEEDS: &[(&str, i32, &str)] = &[\n");
    for (region, year, path) in entries {
        writeln!(out, "    ({region:?}, {year}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR").unwrap()).join("calendar_seeds.rs"),
        out,
    )
    .unwrap();
}
