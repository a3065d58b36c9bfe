//! The draw algorithm at province scale (issue 13): a 1,000,000-entity snapshot, 50,000 picks,
//! teams of 2 from 1,000 inspectors with 10,000 declared conflicts. Medians of 7 runs of the
//! snapshot hash, stage 1 (entities), stage 2 (teams) and both stages.
//! `cargo bench --bench draw`
use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gongshi::domain::draw::assign::{assign, Inspector, Rules, Target};
use gongshi::domain::draw::rfc3797::{select, Key};
use rand::{Rng, SeedableRng};
use sha2::Digest;

const ENTITIES: usize = 1_000_000;
const PICKS: usize = 50_000;
const INSPECTORS: usize = 1_000;
const CONFLICTS: usize = 10_000;
/// 20 categories; 0..4 are parents of 4..20 (each has four sub-kinds).
const CATEGORIES: u32 = 20;
const RUNS: usize = 7;

fn lineage(c: u32) -> Vec<u32> {
    if c < 4 {
        vec![c]
    } else {
        vec![c, (c - 4) / 4]
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    // Credit-code-shaped strings, ascending (the snapshot's canonical order).
    let mut codes: Vec<String> = (0..ENTITIES).map(|i| format!("9164010{i:010}X")).collect();
    codes.sort();
    let category: Vec<u32> = (0..ENTITIES)
        .map(|_| rng.random_range(0..CATEGORIES))
        .collect();
    let roster: Vec<Inspector> = (0..INSPECTORS)
        .map(|_| Inspector {
            active: rng.random_ratio(98, 100),
            valid_from: day("2024-01-01"),
            valid_to: if rng.random_ratio(97, 100) {
                day("2028-12-31")
            } else {
                day("2026-06-30")
            },
            fields: (0..3).map(|_| rng.random_range(0..CATEGORIES)).collect(),
            conflicting_categories: Vec::new(),
        })
        .collect();
    let mut roster = roster;
    // 500 conflicts with a category, 9,500 with an entity.
    for _ in 0..500 {
        let ix = rng.random_range(0..INSPECTORS);
        roster[ix]
            .conflicting_categories
            .push(rng.random_range(0..CATEGORIES));
    }
    let mut entity_conflicts: HashMap<usize, Vec<u32>> = HashMap::new();
    for _ in 0..CONFLICTS - 500 {
        entity_conflicts
            .entry(rng.random_range(0..ENTITIES))
            .or_default()
            .push(rng.random_range(0..INSPECTORS as u32));
    }
    let key = Key::from_sources(&[
        vec![9319],
        vec![2, 5, 12, 8, 10],
        vec![9, 18, 26, 34, 41, 45],
    ])
    .unwrap();
    let rules = Rules {
        team_size: 2,
        draw_date: day("2026-12-04"),
        load_cap: None,
    };

    let (mut hash, mut stage1, mut stage2, mut total) = (vec![], vec![], vec![], vec![]);
    let mut checksum = 0u64;
    for _ in 0..RUNS {
        let t = Instant::now();
        let mut h = sha2::Sha256::new();
        for c in &codes {
            h.update(c.as_bytes());
            h.update(b"\n");
        }
        let digest = h.finalize();
        hash.push(t.elapsed());
        checksum = checksum.wrapping_add(u64::from(digest[0]));

        let t = Instant::now();
        let picks = select(&key, ENTITIES, PICKS).unwrap();
        stage1.push(t.elapsed());
        let t2 = Instant::now();
        let targets: Vec<Target> = picks
            .iter()
            .map(|p| {
                let e = p.position - 1;
                Target {
                    lineage: lineage(category[e]),
                    conflicting_inspectors: entity_conflicts.get(&e).cloned().unwrap_or_default(),
                }
            })
            .collect();
        let teams = assign(&key, &roster, &targets, rules).expect("every entity has a team");
        stage2.push(t2.elapsed());
        total.push(t.elapsed());
        checksum =
            checksum.wrapping_add(teams.iter().map(|t| u64::from(t.members[0])).sum::<u64>());
        let eligible: usize = teams.iter().map(|t| t.eligible.len()).sum();
        checksum = checksum.wrapping_add(eligible as u64);
    }
    println!(
        "draw: {ENTITIES} entities, {PICKS} picks, teams of 2 from {INSPECTORS} inspectors, {CONFLICTS} conflicts; median of {RUNS}"
    );
    println!("  snapshot SHA-256 (canonical text): {:?}", median(hash));
    println!(
        "  stage 1 (RFC 3797 over the snapshot): {:?}",
        median(stage1)
    );
    println!(
        "  stage 2 (eligibility lists and teams): {:?}",
        median(stage2)
    );
    println!("  both stages: {:?}", median(total));
    println!("  (checksum {checksum})");
}
