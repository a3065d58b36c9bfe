//! A plan's frozen inputs, fixed when it is announced: the population snapshot (credit codes in
//! ascending order, each with its category) and the roster (every inspector, certificate numbers
//! ascending, with what eligibility needs). The whole draw is a pure function of these, the
//! source values and the draw date, so it can be recomputed from a copy of the database.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::assign::{assign, AssignError, Inspector, Rules, Target, Team};
use super::rfc3797::{select, Key, Pick, SelectError};

/// One member of the population snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub credit_code: String,
    /// Its category code at announcement.
    pub category: String,
}

/// The canonical text of a snapshot: each code followed by `\n`.
pub fn canonical_text<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for c in codes {
        text.push_str(c);
        text.push('\n');
    }
    text
}

/// SHA-256 of the canonical text, lower-case hex.
pub fn snapshot_sha256<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Sha256::new();
    for c in codes {
        h.update(c.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

/// An inspector as the plan froze them. Conflicts are staff-only and never published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RosterEntry {
    pub certificate_no: String,
    pub active: bool,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Category codes they may inspect.
    pub fields: Vec<String>,
    /// Category codes they declared a conflict with.
    pub conflict_categories: Vec<String>,
    /// Credit codes they declared a conflict with.
    pub conflict_entities: Vec<String>,
}

/// The roster and the category tree as the plan froze them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FrozenRoster {
    /// Certificate numbers ascending (byte order).
    pub inspectors: Vec<RosterEntry>,
    /// Every category code with its parent.
    pub parents: BTreeMap<String, Option<String>>,
}

impl FrozenRoster {
    /// Puts the inspectors in roster order.
    pub fn new(
        mut inspectors: Vec<RosterEntry>,
        parents: BTreeMap<String, Option<String>>,
    ) -> FrozenRoster {
        inspectors.sort_by(|a, b| a.certificate_no.cmp(&b.certificate_no));
        FrozenRoster {
            inspectors,
            parents,
        }
    }

    /// The roster with only the 回避 pairs a draw over `members` (credit codes ascending) can
    /// meet: a declaration about an entity outside the population is dropped when the plan
    /// freezes, so that publishing the frozen roster says nothing about it.
    pub fn within(mut self, members: &[Member]) -> FrozenRoster {
        for r in &mut self.inspectors {
            r.conflict_entities.retain(|c| {
                members
                    .binary_search_by(|m| m.credit_code.as_str().cmp(c))
                    .is_ok()
            });
        }
        self
    }

    /// A category and its ancestors, most specific first (a cycle in a hand-edited tree stops).
    fn lineage<'a>(&'a self, code: &'a str) -> Vec<&'a str> {
        let mut out = vec![code];
        let mut at = code;
        while let Some(Some(parent)) = self.parents.get(at) {
            if out.contains(&parent.as_str()) {
                break;
            }
            out.push(parent);
            at = parent;
        }
        out
    }
}

/// What a draw fixes besides its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawRules {
    pub sample: usize,
    pub team_size: usize,
    pub load_cap: Option<u32>,
    pub draw_date: NaiveDate,
}

/// A whole draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub key: Key,
    /// Positions index the snapshot from 1.
    pub entity_picks: Vec<Pick>,
    /// One per entity pick, in pick order; roster indices into [`FrozenRoster::inspectors`].
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error(transparent)]
    Select(#[from] SelectError),
    #[error("the entity {credit_code} (pick {pick}) has {eligible} eligible inspector(s) on the draw date; its team needs {team_size}")]
    Team {
        /// The entity's pick, from 1.
        pick: usize,
        credit_code: String,
        eligible: usize,
        team_size: usize,
    },
    #[error(transparent)]
    Assign(AssignError),
}

/// Category codes as the small ids the assignment stage compares.
#[derive(Default)]
struct Ids(HashMap<String, u32>);

impl Ids {
    fn of(&mut self, code: &str) -> u32 {
        if let Some(&i) = self.0.get(code) {
            return i;
        }
        let next = self.0.len() as u32;
        self.0.insert(code.to_string(), next);
        next
    }

    fn all(&mut self, codes: &[String]) -> Vec<u32> {
        codes.iter().map(|c| self.of(c)).collect()
    }
}

/// Both stages over the frozen inputs (`api-spec/draw-verification.md` §4–5).
/// A member of the population that some draw of the plan might not staff (issue 26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    pub credit_code: String,
    pub category: String,
    /// Inspectors eligible for it on the draw date (field, validity, status, 回避).
    pub eligible: usize,
    /// What the condition asks: the team size, plus the inspectors the other picks could
    /// exhaust under the load cap.
    pub needed: usize,
}

/// The staffing check at announcement (issue 26), a sufficient condition for every possible draw
/// to staff every team: for each member of the population, its eligible inspectors on the draw
/// date (active, certificate valid that day, a field covering its category or an ancestor, no
/// 回避 with it, its category or an ancestor) number at least `team_size + ⌊(sample − 1) ×
/// team_size / load_cap⌋` (`team_size` without a load cap). Teams are assigned in pick order
/// and the other `sample − 1` picks make at most `(sample − 1) × team_size` assignments, so at
/// most `⌊(sample − 1) × team_size / load_cap⌋` inspectors can have reached the cap when any
/// entity's turn comes: the rest of its eligible list always holds a team. A plan may fail this
/// and still draw with the values that come (the condition is not necessary); it is refused all
/// the same, before the values are known. Returns the members that fail it, in population order.
pub fn staffing_shortfalls(
    members: &[Member],
    roster: &FrozenRoster,
    rules: DrawRules,
) -> Vec<Shortfall> {
    let reserve = match rules.load_cap {
        Some(cap) if cap > 0 => rules.sample.saturating_sub(1) * rules.team_size / cap as usize,
        _ => 0,
    };
    let needed = rules.team_size + reserve;
    let on = rules.draw_date;
    // The qualified inspectors per category (before entity 回避), computed once per category.
    let mut by_category: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut conflicts: HashMap<&str, Vec<usize>> = HashMap::new();
    for (ix, r) in roster.inspectors.iter().enumerate() {
        for code in &r.conflict_entities {
            conflicts.entry(code).or_default().push(ix);
        }
    }
    let mut out = Vec::new();
    for m in members {
        let base = by_category.entry(&m.category).or_insert_with(|| {
            let lineage = roster.lineage(&m.category);
            roster
                .inspectors
                .iter()
                .enumerate()
                .filter(|(_, r)| r.active && r.valid_from <= on && on <= r.valid_to)
                .filter(|(_, r)| r.fields.iter().any(|f| lineage.contains(&f.as_str())))
                .filter(|(_, r)| {
                    !r.conflict_categories
                        .iter()
                        .any(|c| lineage.contains(&c.as_str()))
                })
                .map(|(ix, _)| ix)
                .collect()
        });
        let conflicting = conflicts.get(m.credit_code.as_str());
        let eligible = base
            .iter()
            .filter(|ix| conflicting.is_none_or(|c| !c.contains(ix)))
            .count();
        if eligible < needed {
            out.push(Shortfall {
                credit_code: m.credit_code.clone(),
                category: m.category.clone(),
                eligible,
                needed,
            });
        }
    }
    out
}

/// The key of a draw's source values (RFC 3797), as the draw and its bundle write it.
pub fn key_of(sources: &[Vec<u64>]) -> Result<String, DrawError> {
    Ok(Key::from_sources(sources)?.as_str().to_string())
}

pub fn draw(
    members: &[Member],
    roster: &FrozenRoster,
    sources: &[Vec<u64>],
    rules: DrawRules,
) -> Result<Drawn, DrawError> {
    let key = Key::from_sources(sources)?;
    let entity_picks = select(&key, members.len(), rules.sample)?;
    let mut ids = Ids::default();
    let inspectors: Vec<Inspector> = roster
        .inspectors
        .iter()
        .map(|r| Inspector {
            active: r.active,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            fields: ids.all(&r.fields),
            conflicting_categories: ids.all(&r.conflict_categories),
        })
        .collect();
    let mut by_entity: HashMap<&str, Vec<u32>> = HashMap::new();
    for (ix, r) in roster.inspectors.iter().enumerate() {
        for code in &r.conflict_entities {
            by_entity.entry(code).or_default().push(ix as u32);
        }
    }
    let mut lineages: HashMap<&str, Vec<u32>> = HashMap::new();
    let targets: Vec<Target> = entity_picks
        .iter()
        .map(|p| {
            let m = &members[p.position - 1];
            let lineage = lineages
                .entry(&m.category)
                .or_insert_with(|| {
                    roster
                        .lineage(&m.category)
                        .into_iter()
                        .map(|c| ids.of(c))
                        .collect()
                })
                .clone();
            Target {
                lineage,
                conflicting_inspectors: by_entity
                    .get(m.credit_code.as_str())
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect();
    let assign_rules = Rules {
        team_size: rules.team_size,
        draw_date: rules.draw_date,
        load_cap: rules.load_cap,
    };
    let teams = assign(&key, &inspectors, &targets, assign_rules).map_err(|e| match e {
        AssignError::NotEnoughInspectors {
            pick,
            eligible,
            team_size,
        } => DrawError::Team {
            pick,
            credit_code: members[entity_picks[pick - 1].position - 1]
                .credit_code
                .clone(),
            eligible,
            team_size,
        },
        other => DrawError::Assign(other),
    })?;
    Ok(Drawn {
        key,
        entity_picks,
        teams,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(crate) fn members(n: usize) -> Vec<Member> {
        (0..n)
            .map(|i| Member {
                credit_code: format!("9164010{i:011}"),
                category: if i % 2 == 0 {
                    "song_dance_venue"
                } else {
                    "internet_venue"
                }
                .into(),
            })
            .collect()
    }

    pub(crate) fn roster() -> FrozenRoster {
        let entry = |no: &str, fields: &[&str]| RosterEntry {
            certificate_no: no.into(),
            active: true,
            valid_from: day("2025-01-01"),
            valid_to: day("2027-12-31"),
            fields: fields.iter().map(|s| s.to_string()).collect(),
            conflict_categories: Vec::new(),
            conflict_entities: Vec::new(),
        };
        let mut parents = BTreeMap::new();
        parents.insert("entertainment_venue".into(), None);
        parents.insert(
            "song_dance_venue".into(),
            Some("entertainment_venue".into()),
        );
        parents.insert("internet_venue".into(), None);
        FrozenRoster::new(
            vec![
                entry("64010005", &["entertainment_venue"]),
                entry("64010001", &["entertainment_venue", "internet_venue"]),
                entry("64010003", &["internet_venue"]),
                entry("64010002", &["song_dance_venue"]),
                entry("64010004", &["internet_venue", "entertainment_venue"]),
                entry("64010006", &["internet_venue"]),
            ],
            parents,
        )
    }

    pub(crate) fn rules(sample: usize) -> DrawRules {
        DrawRules {
            sample,
            team_size: 2,
            load_cap: None,
            draw_date: day("2026-12-04"),
        }
    }

    pub(crate) fn sources() -> Vec<Vec<u64>> {
        vec![
            vec![9319],
            vec![2, 5, 12, 8, 10],
            vec![9, 18, 26, 34, 41, 45],
        ]
    }

    #[test]
    fn the_canonical_text_and_its_hash_are_as_the_specification_shows() {
        let codes = ["91640100MA76A1B2C3", "92640104MA0000001X"];
        let text = canonical_text(codes);
        assert_eq!(text, "91640100MA76A1B2C3\n92640104MA0000001X\n");
        assert_eq!(text.len(), 38);
        assert_eq!(
            snapshot_sha256(codes),
            hex::encode(Sha256::digest(text.as_bytes()))
        );
        assert_eq!(
            snapshot_sha256([]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_roster_is_in_certificate_order_and_entities_are_rfc3797_over_the_snapshot() {
        let r = roster();
        let order: Vec<&str> = r
            .inspectors
            .iter()
            .map(|i| i.certificate_no.as_str())
            .collect();
        assert_eq!(
            order,
            ["64010001", "64010002", "64010003", "64010004", "64010005", "64010006"]
        );
        let drawn = draw(&members(25), &r, &sources(), rules(10)).unwrap();
        let positions: Vec<usize> = drawn.entity_picks.iter().map(|p| p.position).collect();
        assert_eq!(positions, [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]);
        assert_eq!(drawn.teams.len(), 10);
    }

    #[test]
    fn eligibility_follows_the_frozen_category_tree_and_both_kinds_of_conflict() {
        let mut r = roster();
        let m = members(25);
        // Pick 1 is position 17 (index 16): a song_dance_venue, under entertainment_venue.
        let first = &m[16];
        assert_eq!(first.category, "song_dance_venue");
        let drawn = draw(&m, &r, &sources(), rules(1)).unwrap();
        let certs = |ixs: &[u32], r: &FrozenRoster| -> Vec<String> {
            ixs.iter()
                .map(|&i| r.inspectors[i as usize].certificate_no.clone())
                .collect()
        };
        // Fields entertainment_venue (parent) and song_dance_venue (itself) qualify.
        assert_eq!(
            certs(&drawn.teams[0].eligible, &r),
            ["64010001", "64010002", "64010004", "64010005"]
        );
        r.inspectors[0].conflict_entities = vec![first.credit_code.clone()];
        r.inspectors[1].conflict_categories = vec!["entertainment_venue".into()];
        r.inspectors[3].active = false;
        let drawn = draw(&m, &r, &sources(), rules(1)).unwrap_err();
        assert_eq!(
            drawn,
            DrawError::Team {
                pick: 1,
                credit_code: first.credit_code.clone(),
                eligible: 1,
                team_size: 2,
            }
        );
        assert!(drawn.to_string().contains(&first.credit_code));
    }

    #[test]
    fn a_sample_over_the_snapshot_or_no_sources_is_refused() {
        assert_eq!(
            draw(&members(3), &roster(), &sources(), rules(4)).unwrap_err(),
            DrawError::Select(SelectError::PicksOverPool { picks: 4, pool: 3 })
        );
        assert_eq!(
            draw(&members(3), &roster(), &[], rules(1)).unwrap_err(),
            DrawError::Select(SelectError::NoSources)
        );
    }

    #[test]
    fn a_cycle_in_a_hand_edited_category_tree_ends() {
        let mut r = roster();
        r.parents.insert(
            "entertainment_venue".into(),
            Some("song_dance_venue".into()),
        );
        assert_eq!(
            r.lineage("song_dance_venue"),
            ["song_dance_venue", "entertainment_venue"]
        );
    }

    #[test]
    fn staffing_is_checked_at_its_edge_with_and_without_a_load_cap() {
        let r = roster();
        let m = members(4);
        let with = |team_size: usize, sample: usize, load_cap: Option<u32>| DrawRules {
            team_size,
            sample,
            load_cap,
            ..rules(sample)
        };
        // Each category has 4 eligible inspectors.
        assert!(staffing_shortfalls(&m, &r, with(2, 4, None)).is_empty());
        assert!(
            staffing_shortfalls(&m, &r, with(4, 4, None)).is_empty(),
            "exactly enough"
        );
        let short = staffing_shortfalls(&m, &r, with(5, 4, None));
        assert_eq!(short.len(), 4);
        assert_eq!((short[0].eligible, short[0].needed), (4, 5));
        // A load cap of 2: the other picks can exhaust ⌊(sample − 1) × 2 / 2⌋ inspectors.
        assert!(
            staffing_shortfalls(&m, &r, with(2, 3, Some(2))).is_empty(),
            "2 + 2 = 4"
        );
        let short = staffing_shortfalls(&m, &r, with(2, 4, Some(2)));
        assert_eq!((short[0].eligible, short[0].needed), (4, 5), "2 + 3");
        // An inspector's 回避 with one entity: only that entity is short.
        let mut r2 = roster();
        r2.inspectors[0]
            .conflict_entities
            .push(m[0].credit_code.clone());
        let short = staffing_shortfalls(&m, &r2, with(4, 4, None));
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].credit_code, m[0].credit_code);
        assert_eq!(short[0].eligible, 3);
        // Certificates lapsed on the draw date.
        let late = DrawRules {
            draw_date: day("2028-01-01"),
            ..with(2, 4, None)
        };
        assert_eq!(staffing_shortfalls(&m, &r, late).len(), 4);
    }

    /// The condition is sufficient: whenever it holds, every draw staffs every team, whatever
    /// the values.
    #[test]
    fn a_plan_that_passes_the_staffing_check_draws_with_any_values() {
        let r = roster();
        let m = members(6);
        let mut checked = 0;
        for team_size in 2..=4 {
            for sample in 1..=6 {
                for load_cap in [None, Some(1), Some(2), Some(3), Some(6)] {
                    let rules = DrawRules {
                        team_size,
                        sample,
                        load_cap,
                        ..rules(sample)
                    };
                    if !staffing_shortfalls(&m, &r, rules).is_empty() {
                        continue;
                    }
                    for seed in 0..40u64 {
                        let sources = vec![vec![seed], vec![seed * 7 + 3, 11]];
                        assert!(
                            draw(&m, &r, &sources, rules).is_ok(),
                            "{rules:?} {sources:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
