//! The second stage of a draw: inspectors for each selected entity, from the same public key.
//!
//! For the entity selected by pick `k` (from 1), in pick order: its eligibility list is every
//! inspector of the frozen roster, in roster order (certificate numbers ascending), who is
//! active, holds a certificate valid on the draw date, has a field that is the entity's category
//! or one of its ancestors, has no declared conflict with the entity nor with its category or an
//! ancestor of it, and, when the plan sets a load cap, has fewer than that many assignments in
//! this draw so far. `team_size` of them are picked by RFC 3797 over that list with the key
//! `{key}inspectors:{k}/`. Fewer eligible than `team_size` fails the whole draw.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::rfc3797::{select, Key, Pick};

/// An inspector as the frozen roster holds them (the service resolves names to indices).
#[derive(Debug, Clone)]
pub struct Inspector {
    pub active: bool,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The category ids they may inspect (each covers its sub-kinds).
    pub fields: Vec<u32>,
    /// The category ids they declared a conflict with (each covers its sub-kinds).
    pub conflicting_categories: Vec<u32>,
}

/// A selected entity, in pick order.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its category id followed by its ancestors' (most specific first).
    pub lineage: Vec<u32>,
    /// Roster indices of the inspectors who declared a conflict with this entity.
    pub conflicting_inspectors: Vec<u32>,
}

/// What the plan fixes for the stage.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub team_size: usize,
    pub draw_date: NaiveDate,
    /// At most this many entities per inspector in one draw.
    pub load_cap: Option<u32>,
}

/// One entity's team and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Roster indices, in roster order: the list the picks were made from.
    pub eligible: Vec<u32>,
    pub picks: Vec<Pick>,
    /// Roster indices, in pick order.
    pub members: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("the entity of pick {pick} has {eligible} eligible inspector(s); the team needs {team_size}")]
    NotEnoughInspectors {
        /// The entity's pick, from 1.
        pick: usize,
        eligible: usize,
        team_size: usize,
    },
    #[error("a team needs at least two inspectors (行政处罚法 Art. 42)")]
    TeamTooSmall,
}

/// The key the team of pick `k` (from 1) is drawn with.
pub fn team_key(key: &Key, k: usize) -> Key {
    key.derived(&format!("inspectors:{k}"))
}

/// Teams for `targets` (in pick order) from `roster` (in roster order).
pub fn assign(
    key: &Key,
    roster: &[Inspector],
    targets: &[Target],
    rules: Rules,
) -> Result<Vec<Team>, AssignError> {
    if rules.team_size < 2 {
        return Err(AssignError::TeamTooSmall);
    }
    // Who may inspect a lineage, before entity conflicts and the load cap: computed once per
    // distinct lineage (a plan has few categories and many entities).
    let mut by_lineage: HashMap<&[u32], Vec<u32>> = HashMap::new();
    let mut load = vec![0u32; roster.len()];
    let mut teams = Vec::with_capacity(targets.len());
    for (i, target) in targets.iter().enumerate() {
        let base = by_lineage
            .entry(target.lineage.as_slice())
            .or_insert_with(|| qualified(roster, &target.lineage, rules.draw_date));
        let mut conflicts = target.conflicting_inspectors.clone();
        conflicts.sort_unstable();
        let eligible: Vec<u32> = base
            .iter()
            .copied()
            .filter(|ix| conflicts.binary_search(ix).is_err())
            .filter(|&ix| rules.load_cap.is_none_or(|cap| load[ix as usize] < cap))
            .collect();
        let k = i + 1;
        let picks = select(&team_key(key, k), eligible.len(), rules.team_size).map_err(|_| {
            AssignError::NotEnoughInspectors {
                pick: k,
                eligible: eligible.len(),
                team_size: rules.team_size,
            }
        })?;
        let members: Vec<u32> = picks.iter().map(|p| eligible[p.position - 1]).collect();
        for &m in &members {
            load[m as usize] += 1;
        }
        teams.push(Team {
            eligible,
            picks,
            members,
        });
    }
    Ok(teams)
}

/// The roster indices fit for a lineage on a date, ignoring entity conflicts and load.
fn qualified(roster: &[Inspector], lineage: &[u32], on: NaiveDate) -> Vec<u32> {
    roster
        .iter()
        .enumerate()
        .filter(|(_, p)| p.active && p.valid_from <= on && on <= p.valid_to)
        .filter(|(_, p)| p.fields.iter().any(|f| lineage.contains(f)))
        .filter(|(_, p)| !p.conflicting_categories.iter().any(|c| lineage.contains(c)))
        .map(|(ix, _)| ix as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn key() -> Key {
        Key::from_sources(&[
            vec![9319],
            vec![2, 5, 12, 8, 10],
            vec![9, 18, 26, 34, 41, 45],
        ])
        .unwrap()
    }

    /// Category 1 has the sub-kind 2; 3 is unrelated.
    fn inspector(fields: &[u32]) -> Inspector {
        Inspector {
            active: true,
            valid_from: day("2025-01-01"),
            valid_to: day("2027-12-31"),
            fields: fields.to_vec(),
            conflicting_categories: Vec::new(),
        }
    }

    fn target(lineage: &[u32], conflicts: &[u32]) -> Target {
        Target {
            lineage: lineage.to_vec(),
            conflicting_inspectors: conflicts.to_vec(),
        }
    }

    fn rules(team_size: usize, load_cap: Option<u32>) -> Rules {
        Rules {
            team_size,
            draw_date: day("2026-12-03"),
            load_cap,
        }
    }

    #[test]
    fn eligibility_follows_status_validity_field_ancestry_and_both_kinds_of_conflict() {
        let mut roster: Vec<Inspector> = (0..8).map(|_| inspector(&[1])).collect();
        roster[0].active = false;
        roster[1].valid_to = day("2026-12-02"); // expired the day before the draw
        roster[2].valid_from = day("2026-12-04"); // not yet valid
        roster[3].fields = vec![3]; // another field
        roster[4].conflicting_categories = vec![1]; // conflict with the parent category
        roster[5].fields = vec![2]; // the sub-kind itself
        roster[7].valid_to = day("2026-12-03"); // valid on the draw date, its last day
                                                // The entity is of sub-kind 2 (parent 1); inspector 6 declared a conflict with it.
        let teams = assign(&key(), &roster, &[target(&[2, 1], &[6])], rules(2, None)).unwrap();
        assert_eq!(teams[0].eligible, vec![5, 7]);
        let mut members = teams[0].members.clone();
        members.sort_unstable();
        assert_eq!(members, vec![5, 7]);
        // A parent-category entity is not for a sub-kind-only inspector.
        let err = assign(&key(), &roster, &[target(&[1], &[6])], rules(2, None)).unwrap_err();
        assert_eq!(
            err,
            AssignError::NotEnoughInspectors {
                pick: 1,
                eligible: 1,
                team_size: 2
            }
        );
    }

    #[test]
    fn each_team_is_rfc3797_over_its_list_with_the_derived_key() {
        let roster: Vec<Inspector> = (0..25).map(|_| inspector(&[1])).collect();
        let targets = vec![target(&[1], &[]), target(&[1], &[3])];
        let teams = assign(&key(), &roster, &targets, rules(3, None)).unwrap();
        let first = select(&team_key(&key(), 1), 25, 3).unwrap();
        assert_eq!(teams[0].picks, first);
        assert_eq!(
            teams[0].members,
            first
                .iter()
                .map(|p| p.position as u32 - 1)
                .collect::<Vec<_>>()
        );
        assert_eq!(teams[1].eligible.len(), 24);
        assert!(!teams[1].eligible.contains(&3));
        let second = select(&team_key(&key(), 2), 24, 3).unwrap();
        assert_eq!(
            teams[1].members,
            second
                .iter()
                .map(|p| teams[1].eligible[p.position - 1])
                .collect::<Vec<_>>()
        );
        assert_eq!(
            team_key(&key(), 2).as_str(),
            "9319./2.5.8.10.12./9.18.26.34.41.45./inspectors:2/"
        );
    }

    #[test]
    fn a_load_cap_removes_an_inspector_from_later_lists_once_reached() {
        // 6 inspectors capped at 2: four teams of 2 always fit (after three teams at most
        // three inspectors are full).
        let roster: Vec<Inspector> = (0..6).map(|_| inspector(&[1])).collect();
        let targets: Vec<Target> = (0..4).map(|_| target(&[1], &[])).collect();
        let teams = assign(&key(), &roster, &targets, rules(2, Some(2))).unwrap();
        let mut load = [0u32; 6];
        for t in &teams {
            for (ix, l) in load.iter().enumerate() {
                assert_eq!(
                    t.eligible.contains(&(ix as u32)),
                    *l < 2,
                    "inspector {ix} with load {l}: eligible exactly while under the cap"
                );
            }
            for &m in &t.members {
                load[m as usize] += 1;
            }
        }
        assert_eq!(load.iter().sum::<u32>(), 8);
        // 4 inspectors capped at 1: two teams use them all, the third is named.
        let targets: Vec<Target> = (0..3).map(|_| target(&[1], &[])).collect();
        assert_eq!(
            assign(&key(), &roster[..4], &targets, rules(2, Some(1))).unwrap_err(),
            AssignError::NotEnoughInspectors {
                pick: 3,
                eligible: 0,
                team_size: 2
            }
        );
    }

    #[test]
    fn a_team_of_one_is_refused() {
        let roster = vec![inspector(&[1]); 3];
        assert_eq!(
            assign(&key(), &roster, &[target(&[1], &[])], rules(1, None)),
            Err(AssignError::TeamTooSmall)
        );
    }
}
