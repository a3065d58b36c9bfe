//! 1,000,000 `add_workdays` on the shipped national calendar: random dates 2007-01-01..2026-11-01,
//! N in 1..30. Prints the median of 7 runs. `cargo bench --bench calendar`
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use gongshi::domain::calendar::{LunarTable, Region, WorkdayIndex};
use rand::{Rng, SeedableRng};

const OPS: usize = 1_000_000;
const RUNS: usize = 7;

fn main() {
    let schedules = gongshi::assets::shipped_schedules().expect("seeds");
    let lunar = LunarTable::parse(gongshi::assets::LUNAR_FESTIVALS).expect("lunar table");
    let t = Instant::now();
    let idx = WorkdayIndex::build(&Region::national(), &schedules, &lunar);
    let build = t.elapsed();

    let mut rng = rand::rngs::StdRng::seed_from_u64(20261124);
    let start = NaiveDate::from_ymd_opt(2007, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() - start).num_days();
    let inputs: Vec<(NaiveDate, u32)> = (0..OPS)
        .map(|_| {
            (
                start + Duration::days(rng.random_range(0..=span)),
                rng.random_range(1..30),
            )
        })
        .collect();

    let mut times = Vec::new();
    let mut checksum = 0i64;
    for _ in 0..RUNS {
        let t = Instant::now();
        for &(from, n) in &inputs {
            let d = idx
                .add_workdays(from, n, false)
                .expect("inside the loaded years");
            checksum = checksum.wrapping_add(d.date.num_days_from_ce() as i64);
        }
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[RUNS / 2];
    println!("calendar index build (CN, 2007-2100): {build:?}");
    println!(
        "add_workdays x {OPS}: median {median:?} over {RUNS} runs (min {:?}, max {:?}); {:.1} ns/op; checksum {checksum}",
        times[0],
        times[RUNS - 1],
        median.as_nanos() as f64 / OPS as f64
    );
}

use chrono::Datelike;
