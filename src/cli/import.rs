//! `gongshi import …` and `gongshi export …`: the API's imports and export from the console,
//! with a progress bar for large files.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{CliError, ImportCommand};
use crate::service::imports::{self, ImportFailure, ImportReport, Phase};
use crate::service::penalty_imports::ImportOptions;
use crate::service::{Actor, App};

/// Files with more rows than this get a progress bar (on a terminal).
const PROGRESS_FROM_ROWS: u64 = 5_000;

pub(crate) fn import(app: &App, command: ImportCommand) -> Result<ExitCode, CliError> {
    let mut options = ImportOptions::default();
    let (file, skip_invalid, what) = match command {
        ImportCommand::Entities { file, skip_invalid } => (file, skip_invalid, "entities"),
        ImportCommand::Inspectors { file, skip_invalid } => (file, skip_invalid, "inspectors"),
        ImportCommand::Penalties {
            file,
            skip_invalid,
            dry_run,
            already_published,
        } => {
            options = ImportOptions {
                skip_invalid,
                dry_run,
                already_published,
            };
            (file, skip_invalid, "penalties")
        }
    };
    // Read a piece at a time, here and by the import: a province's file is never held whole.
    let lines = count_lines(&file)
        .map_err(|e| CliError::Other(format!("cannot read {}: {e}", file.display())))?;
    let source = imports::Source::File(&file);
    let bar = progress_bar(lines);
    let progress = |phase: Phase, done: usize| {
        bar.set_message(match phase {
            Phase::Validating => "validating",
            Phase::Writing => "writing",
        });
        bar.set_position(done as u64);
    };
    let actor = Actor::command_line();
    let started = std::time::Instant::now();
    let result = match what {
        "entities" => imports::entities(app, &actor, source, skip_invalid, &progress),
        "penalties" => {
            crate::service::penalty_imports::import(app, &actor, source, options, &progress)
        }
        _ => imports::inspectors(app, &actor, source, skip_invalid, &progress),
    };
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok(report) if report.dry_run => {
            print_report(&report);
            println!(
                "dry run: nothing was written ({} would be inserted)",
                report.inserted
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(report) => {
            print_report(&report);
            if let Some(id) = &report.import_id {
                println!("import {id}");
            }
            println!(
                "written in {seconds:.1} s ({:.0} rows/s)",
                report.rows as f64 / seconds.max(1e-9)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportFailure::Refused(report)) => {
            print_report(&report);
            eprintln!(
                "gongshi: nothing was written: {} row(s) have errors; fix them or use --skip-invalid",
                report.rejected
            );
            Ok(ExitCode::FAILURE)
        }
        Err(ImportFailure::Service(e)) => Err(e.into()),
    }
}

/// The line breaks in a file, read a piece at a time (the progress bar's length).
fn count_lines(path: &std::path::Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0_u8; 1 << 16];
    let mut lines = 0;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(lines),
            Ok(n) => lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn progress_bar(lines: u64) -> ProgressBar {
    if lines < PROGRESS_FROM_ROWS {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(lines.saturating_sub(1));
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {pos}/{len} rows, {per_sec}, {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The summary, then every error as `line N, column: message [code]`.
fn print_report(r: &ImportReport) {
    if let Some(enc) = r.encoding {
        println!(
            "encoding: {}",
            serde_json::to_value(enc)
                .unwrap_or_default()
                .as_str()
                .unwrap_or("")
        );
    }
    if !r.ignored_columns.is_empty() {
        println!("ignored columns: {}", r.ignored_columns.join(", "));
    }
    println!(
        "rows: {}  inserted: {}  updated: {}  unchanged: {}  rejected: {}",
        r.rows, r.inserted, r.updated, r.unchanged, r.rejected
    );
    for e in &r.errors {
        println!("line {}, {}: {} [{}]", e.line, e.column, e.message, e.code);
    }
}

pub(crate) fn export_entities(
    app: &App,
    output: Option<std::path::PathBuf>,
) -> Result<ExitCode, CliError> {
    let out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| CliError::Other(format!("cannot create {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let io_err = |e: csv::Error| CliError::Other(format!("cannot write the export: {e}"));
    let mut w = crate::io::entities_csv::writer(out).map_err(io_err)?;
    let n = crate::service::entities::for_each(app, &Actor::command_line(), |e, categories| {
        crate::io::entities_csv::write(&mut w, &e.fields, categories).map_err(io_err)
    })?;
    w.flush()
        .map_err(|e| CliError::Other(format!("cannot write the export: {e}")))?;
    if output.is_some() {
        println!("{n} entities exported");
    }
    Ok(ExitCode::SUCCESS)
}
