//! The public bundle of a draw (`api-spec/draw-verification.md` §6): everything an outsider
//! needs to recompute it, and the recomputation itself (`gongshi draw verify`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assign::team_key;
use super::commitment::{stage2_sha256, PublicRoster, Stage2Rules};
use super::frozen::{draw, snapshot_sha256, DrawError, DrawRules, Drawn, FrozenRoster, Member};
use super::rfc3797::{select, Key, Pick};

/// The algorithm this module and the written specification describe.
pub const ALGORITHM: &str = "gongshi-draw/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub algorithm: String,
    pub plan: BundlePlan,
    pub snapshot: BundleSnapshot,
    pub stage2: BundleStage2,
    pub sources: Vec<BundleSource>,
    pub key: String,
    pub entity_picks: Vec<EntityPick>,
    pub teams: Vec<BundleTeam>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundlePlan {
    pub id: i64,
    pub title: String,
    pub team_size: usize,
    pub load_cap: Option<u32>,
    pub draw_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleSnapshot {
    pub sha256: String,
    pub size: usize,
    pub credit_codes: Vec<String>,
}

/// The stage-2 inputs (the frozen roster in its public form, each member's category) and the
/// commitment to them published at announcement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleStage2 {
    /// As announced; `None` for a plan announced before commitments were published.
    pub sha256: Option<String>,
    #[serde(flatten)]
    pub roster: PublicRoster,
    /// Each snapshot member's category at announcement, in snapshot order.
    pub member_categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleSource {
    pub description: String,
    pub available_on: NaiveDate,
    pub values: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityPick {
    pub index: usize,
    pub md5: String,
    pub divisor: usize,
    pub remainder: usize,
    pub position: usize,
    pub credit_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleTeam {
    pub pick: usize,
    pub credit_code: String,
    pub key: String,
    /// Certificate numbers, in roster order.
    pub eligible: Vec<String>,
    pub picks: Vec<TeamPick>,
    /// Certificate numbers, in pick order.
    pub inspectors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamPick {
    pub index: usize,
    pub md5: String,
    pub divisor: usize,
    pub remainder: usize,
    pub position: usize,
    pub certificate_no: String,
}

fn entity_pick(p: &Pick, codes: &[String]) -> EntityPick {
    EntityPick {
        index: p.index,
        md5: p.md5_hex(),
        divisor: p.divisor,
        remainder: p.remainder,
        position: p.position,
        credit_code: codes[p.position - 1].clone(),
    }
}

fn team_pick(p: &Pick, eligible: &[String]) -> TeamPick {
    TeamPick {
        index: p.index,
        md5: p.md5_hex(),
        divisor: p.divisor,
        remainder: p.remainder,
        position: p.position,
        certificate_no: eligible[p.position - 1].clone(),
    }
}

/// A team as the service recorded it at the draw: what the bureau acts on and the public plan
/// shows. The bundle publishes it beside the recomputed picks, so a stored team that was changed
/// afterwards fails verification instead of being hidden.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub credit_code: &'a str,
    /// Certificate numbers, in pick order.
    pub inspectors: &'a [String],
}

/// What a bundle is written from.
#[derive(Debug, Clone, Copy)]
pub struct Published<'a> {
    pub plan: &'a BundlePlan,
    pub members: &'a [Member],
    pub roster: &'a FrozenRoster,
    pub sources: &'a [BundleSource],
    /// The draw recomputed from the frozen inputs and the values.
    pub drawn: &'a Drawn,
    /// The snapshot hash as announced.
    pub snapshot_sha256: &'a str,
    /// The stage-2 commitment as announced.
    pub stage2_sha256: Option<&'a str>,
    /// The teams as recorded, one per pick; `None`: the recomputed ones.
    pub recorded: Option<&'a [Recorded<'a>]>,
}

/// The bundle of a draw as JSON, written straight from the draw and the frozen inputs, without a
/// `String` per certificate number (a province-size bundle lists millions of them). It reads
/// back as a [`Bundle`], which writes the same text again.
pub fn to_json(p: Published) -> serde_json::Result<Vec<u8>> {
    let Published {
        members,
        roster,
        drawn,
        ..
    } = p;
    let public = PublicRoster::of(roster);
    let view = View { p, public: &public };
    // Sized up front: growing a buffer of hundreds of megabytes by doubling would hold the old
    // and the new one at once.
    let cert_len = roster
        .inspectors
        .iter()
        .map(|i| i.certificate_no.len() + 3)
        .max()
        .unwrap_or(3);
    let listed: usize = drawn
        .teams
        .iter()
        .map(|t| t.eligible.len() + 2 * t.members.len())
        .sum();
    let estimate = members.len() * 45
        + listed * cert_len
        + drawn.teams.len() * 600
        + roster.inspectors.len() * 120
        + 4096;
    let mut out = Vec::with_capacity(estimate);
    serde_json::to_writer(&mut out, &view)?;
    Ok(out)
}

struct View<'a> {
    p: Published<'a>,
    public: &'a PublicRoster,
}

/// A sequence written from an iterator made on demand.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct PickView<'a> {
    index: usize,
    md5: String,
    divisor: usize,
    remainder: usize,
    position: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_no: Option<&'a str>,
}

impl<'a> PickView<'a> {
    fn of(p: &Pick) -> PickView<'a> {
        PickView {
            index: p.index,
            md5: p.md5_hex(),
            divisor: p.divisor,
            remainder: p.remainder,
            position: p.position,
            credit_code: None,
            certificate_no: None,
        }
    }
}

impl Serialize for View<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let p = self.p;
        let codes = p.members;
        let certs = &p.roster.inspectors;
        let cert = move |ix: &u32| certs[*ix as usize].certificate_no.as_str();
        let mut st = s.serialize_struct("Bundle", 8)?;
        st.serialize_field("algorithm", ALGORITHM)?;
        st.serialize_field("plan", p.plan)?;
        #[derive(Serialize)]
        struct Snapshot<C: Serialize> {
            sha256: String,
            size: usize,
            credit_codes: C,
        }
        st.serialize_field(
            "snapshot",
            &Snapshot {
                sha256: p.snapshot_sha256.to_string(),
                size: codes.len(),
                credit_codes: Seq(|| codes.iter().map(|m| m.credit_code.as_str())),
            },
        )?;
        #[derive(Serialize)]
        struct Stage2<'a, C: Serialize> {
            sha256: Option<&'a str>,
            #[serde(flatten)]
            roster: &'a PublicRoster,
            member_categories: C,
        }
        st.serialize_field(
            "stage2",
            &Stage2 {
                sha256: p.stage2_sha256,
                roster: self.public,
                member_categories: Seq(|| codes.iter().map(|m| m.category.as_str())),
            },
        )?;
        st.serialize_field("sources", p.sources)?;
        st.serialize_field("key", p.drawn.key.as_str())?;
        st.serialize_field(
            "entity_picks",
            &Seq(|| {
                p.drawn.entity_picks.iter().map(|p| PickView {
                    credit_code: Some(codes[p.position - 1].credit_code.as_str()),
                    ..PickView::of(p)
                })
            }),
        )?;
        #[derive(Serialize)]
        struct TeamView<'a, E: Serialize, P: Serialize, M: Serialize> {
            pick: usize,
            credit_code: &'a str,
            key: String,
            eligible: E,
            picks: P,
            inspectors: M,
        }
        let key = &p.drawn.key;
        let recorded = p.recorded;
        st.serialize_field(
            "teams",
            &Seq(|| {
                p.drawn
                    .teams
                    .iter()
                    .zip(&p.drawn.entity_picks)
                    .enumerate()
                    .map(move |(i, (team, pick))| TeamView {
                        pick: i + 1,
                        credit_code: match recorded.and_then(|r| r.get(i)) {
                            Some(r) => r.credit_code,
                            None => codes[pick.position - 1].credit_code.as_str(),
                        },
                        key: team_key(key, i + 1).as_str().to_string(),
                        eligible: Seq(move || team.eligible.iter().map(cert)),
                        picks: Seq(move || {
                            team.picks.iter().map(move |t| PickView {
                                certificate_no: Some(cert(&team.eligible[t.position - 1])),
                                ..PickView::of(t)
                            })
                        }),
                        inspectors: Members {
                            recorded: recorded.and_then(|r| r.get(i)).map(|r| r.inspectors),
                            drawn: Seq(move || team.members.iter().map(cert)),
                        },
                    })
            }),
        )?;
        st.end()
    }
}

/// A team's members: as recorded when the service passed them, else as recomputed.
struct Members<'a, D> {
    recorded: Option<&'a [String]>,
    drawn: D,
}

impl<D: Serialize> Serialize for Members<'_, D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.recorded {
            Some(r) => r.serialize(s),
            None => self.drawn.serialize(s),
        }
    }
}

/// Where a bundle first parts from its recomputation or from the announcement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: published {published}, {against} {expected}")]
pub struct Difference {
    pub what: String,
    /// What the bundle says.
    pub published: String,
    /// `recomputed` or `announced`.
    pub against: &'static str,
    pub expected: String,
}

impl Difference {
    fn new(
        what: impl Into<String>,
        published: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Difference {
            what: what.into(),
            published: published.into(),
            against: "recomputed",
            expected: expected.into(),
        }
    }

    fn announced(
        what: impl Into<String>,
        published: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Difference {
            against: "announced",
            ..Difference::new(what, published, expected)
        }
    }
}

fn expect<T: PartialEq + std::fmt::Debug>(
    what: impl Into<String>,
    published: &T,
    recomputed: &T,
) -> Result<(), Difference> {
    if published == recomputed {
        return Ok(());
    }
    Err(Difference::new(
        what,
        format!("{published:?}"),
        format!("{recomputed:?}"),
    ))
}

fn expect_announced<T: PartialEq + std::fmt::Debug>(
    what: impl Into<String>,
    published: &T,
    announced: &T,
) -> Result<(), Difference> {
    if published == announced {
        return Ok(());
    }
    Err(Difference::announced(
        what,
        format!("{published:?}"),
        format!("{announced:?}"),
    ))
}

/// Recomputes a bundle from its own contents: the snapshot hash, the stage-2 commitment, the key,
/// both stages (each eligibility list from the stage-2 inputs) and the load cap. `Ok` means every
/// published value follows from the published inputs; [`verify_announced`] also ties the inputs
/// to what was announced before the values were known.
pub fn verify(b: &Bundle) -> Result<(), Difference> {
    expect("algorithm", &b.algorithm.as_str(), &ALGORITHM)?;
    let codes = &b.snapshot.credit_codes;
    expect("snapshot.size", &b.snapshot.size, &codes.len())?;
    if let Some(w) = codes.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Difference::new(
            format!("snapshot order at position {}", w + 2),
            codes[w + 1].clone(),
            format!("a code after {}", codes[w]),
        ));
    }
    expect(
        "snapshot.sha256",
        &b.snapshot.sha256,
        &snapshot_sha256(codes.iter().map(String::as_str)),
    )?;
    let s2 = &b.stage2;
    if let Some(d) = s2.roster.disorder() {
        return Err(Difference::new(
            format!("stage2 {d}"),
            "out of canonical order",
            "ascending byte order, each once",
        ));
    }
    expect(
        "stage2.member_categories (one per snapshot code)",
        &s2.member_categories.len(),
        &codes.len(),
    )?;
    let rules = Stage2Rules {
        team_size: b.plan.team_size,
        load_cap: b.plan.load_cap,
    };
    if let Some(committed) = &s2.sha256 {
        let members = codes
            .iter()
            .map(String::as_str)
            .zip(s2.member_categories.iter().map(String::as_str));
        expect(
            "stage2.sha256 (roster, 回避 pairs, category tree, team size, load cap, members' categories)",
            committed,
            &stage2_sha256(&s2.roster, rules, members),
        )?;
    }
    if let Some(last) = b.sources.iter().map(|s| s.available_on).max() {
        if b.plan.draw_date < last {
            return Err(Difference::new(
                "plan.draw_date",
                b.plan.draw_date.to_string(),
                format!("on or after {last}, the latest available_on of the sources"),
            ));
        }
    }
    let values: Vec<Vec<u64>> = b.sources.iter().map(|s| s.values.clone()).collect();
    let key = Key::from_sources(&values)
        .map_err(|e| Difference::new("sources", format!("{values:?}"), e.to_string()))?;
    expect("key", &b.key.as_str(), &key.as_str())?;
    let picks = select(&key, codes.len(), b.entity_picks.len()).map_err(|e| {
        Difference::new(
            "entity picks",
            b.entity_picks.len().to_string(),
            e.to_string(),
        )
    })?;
    for (published, mine) in b.entity_picks.iter().zip(&picks) {
        expect(
            format!("entity pick {}", mine.index),
            published,
            &entity_pick(mine, codes),
        )?;
    }
    expect("number of teams", &b.teams.len(), &picks.len())?;
    let lists = eligibility(b, &values)?;
    let mut load: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (j, ((team, entity), list)) in b.teams.iter().zip(&b.entity_picks).zip(&lists).enumerate() {
        let j = j + 1;
        expect(format!("team {j} pick"), &team.pick, &j)?;
        expect(
            format!("team {j} entity"),
            &team.credit_code,
            &entity.credit_code,
        )?;
        let tkey = team_key(&key, j);
        expect(format!("team {j} key"), &team.key.as_str(), &tkey.as_str())?;
        let mut sorted = team.eligible.clone();
        sorted.sort();
        sorted.dedup();
        expect(
            format!("team {j} eligibility order"),
            &team.eligible,
            &sorted,
        )?;
        if let Some(cap) = b.plan.load_cap {
            let full: Vec<&String> = team
                .eligible
                .iter()
                .filter(|c| load.get(c.as_str()).copied().unwrap_or(0) >= cap)
                .collect();
            expect(
                format!("team {j}: inspectors at the load cap on the list"),
                &full,
                &Vec::new(),
            )?;
        }
        expect(
            format!("team {j} eligible (from the stage-2 inputs)"),
            &team.eligible,
            list,
        )?;
        let mine = select(&tkey, team.eligible.len(), b.plan.team_size).map_err(|e| {
            Difference::new(
                format!("team {j}"),
                format!("{} eligible", team.eligible.len()),
                e.to_string(),
            )
        })?;
        expect(format!("team {j} picks"), &team.picks.len(), &mine.len())?;
        for (published, m) in team.picks.iter().zip(&mine) {
            expect(
                format!("team {j} pick {}", m.index),
                published,
                &team_pick(m, &team.eligible),
            )?;
        }
        let members: Vec<String> = mine
            .iter()
            .map(|m| team.eligible[m.position - 1].clone())
            .collect();
        expect(format!("team {j} inspectors"), &team.inspectors, &members)?;
        for c in &team.inspectors {
            *load.entry(c.as_str()).or_default() += 1;
        }
    }
    Ok(())
}

/// Each team's eligibility list recomputed from the stage-2 inputs (certificate numbers, in
/// roster order), by the draw itself over the bundle's snapshot, members' categories and roster.
fn eligibility(b: &Bundle, values: &[Vec<u64>]) -> Result<Vec<Vec<String>>, Difference> {
    let members: Vec<Member> = b
        .snapshot
        .credit_codes
        .iter()
        .zip(&b.stage2.member_categories)
        .map(|(code, category)| Member {
            credit_code: code.clone(),
            category: category.clone(),
        })
        .collect();
    let roster = b.stage2.roster.frozen();
    let rules = DrawRules {
        sample: b.entity_picks.len(),
        team_size: b.plan.team_size,
        load_cap: b.plan.load_cap,
        draw_date: b.plan.draw_date,
    };
    match draw(&members, &roster, values, rules) {
        Ok(drawn) => Ok(drawn
            .teams
            .iter()
            .map(|t| {
                t.eligible
                    .iter()
                    .map(|&ix| roster.inspectors[ix as usize].certificate_no.clone())
                    .collect()
            })
            .collect()),
        Err(DrawError::Team {
            pick,
            eligible,
            team_size,
            ..
        }) => Err(Difference::new(
            format!("team {pick} eligible (from the stage-2 inputs)"),
            format!(
                "{:?}",
                b.teams
                    .get(pick - 1)
                    .map(|t| &t.eligible)
                    .unwrap_or(&Vec::new())
            ),
            format!("{eligible} eligible inspector(s), fewer than the team size {team_size}"),
        )),
        Err(e) => Err(Difference::new("draw", "a bundle", e.to_string())),
    }
}

/// The public plan as saved after its announcement (`GET /api/v1/public/plans/{id}`): what a
/// bundle's inputs are checked against. Other fields of the page are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct AnnouncedPlan {
    pub id: i64,
    pub team_size: usize,
    pub load_cap: Option<u32>,
    pub random_sources: Vec<AnnouncedSource>,
    pub snapshot: Option<AnnouncedSnapshot>,
    /// Entities the draw picks.
    pub sample: Option<usize>,
    pub stage2_sha256: Option<String>,
    pub frozen_roster: Option<PublicRoster>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AnnouncedSource {
    pub description: String,
    pub available_on: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AnnouncedSnapshot {
    pub sha256: String,
    pub size: usize,
}

/// Checks a bundle's inputs against the plan as announced (the plan, the sources, both
/// commitments and, when the saved page lists it, the frozen roster entry by entry, so that a
/// difference names the input), then recomputes the bundle ([`verify`]).
pub fn verify_announced(b: &Bundle, a: &AnnouncedPlan) -> Result<(), Difference> {
    expect_announced("plan.id", &b.plan.id, &a.id)?;
    let Some(snapshot) = &a.snapshot else {
        return Err(Difference::announced(
            "announcement",
            "a bundle",
            "a plan page without a snapshot: save the page after the plan is announced",
        ));
    };
    expect_announced("plan.team_size", &b.plan.team_size, &a.team_size)?;
    expect_announced("plan.load_cap", &b.plan.load_cap, &a.load_cap)?;
    expect_announced(
        "number of entity picks (the announced sample)",
        &Some(b.entity_picks.len()),
        &a.sample,
    )?;
    expect_announced(
        "number of sources",
        &b.sources.len(),
        &a.random_sources.len(),
    )?;
    for (i, (s, announced)) in b.sources.iter().zip(&a.random_sources).enumerate() {
        expect_announced(
            format!("source {} description", i + 1),
            &s.description,
            &announced.description,
        )?;
        expect_announced(
            format!("source {} available_on", i + 1),
            &s.available_on,
            &announced.available_on,
        )?;
    }
    expect_announced("snapshot.size", &b.snapshot.size, &snapshot.size)?;
    expect_announced("snapshot.sha256", &b.snapshot.sha256, &snapshot.sha256)?;
    let Some(committed) = &a.stage2_sha256 else {
        return Err(Difference::announced(
            "stage2.sha256",
            format!("{:?}", b.stage2.sha256),
            "none: the plan was announced without a stage-2 commitment, so its teams cannot be checked against the announcement",
        ));
    };
    if let Some(roster) = &a.frozen_roster {
        if let Some(d) = roster_difference(&b.stage2.roster, roster) {
            return Err(d);
        }
    }
    expect_announced("stage2.sha256", &b.stage2.sha256, &Some(committed.clone()))?;
    verify(b)
}

/// The first entry where a bundle's frozen roster and the announced one differ, by category
/// code, certificate number and 回避 line.
fn roster_difference(bundle: &PublicRoster, announced: &PublicRoster) -> Option<Difference> {
    use std::collections::BTreeMap;
    let shown = |v: Option<String>| v.unwrap_or_else(|| "absent".to_string());
    let parents = |r: &PublicRoster| -> BTreeMap<String, Option<String>> {
        r.categories
            .iter()
            .map(|c| (c.code.clone(), c.parent.clone()))
            .collect()
    };
    let (mine, theirs) = (parents(bundle), parents(announced));
    for code in mine
        .keys()
        .chain(theirs.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (m, t) = (mine.get(code), theirs.get(code));
        match (m, t) {
            (Some(m), Some(t)) if m != t => {
                return Some(Difference::announced(
                    format!("stage2 category {code} parent"),
                    format!("{m:?}"),
                    format!("{t:?}"),
                ))
            }
            (Some(_), Some(_)) => {}
            (m, t) => {
                return Some(Difference::announced(
                    format!("stage2 category {code}"),
                    shown(m.map(|_| "listed".to_string())),
                    shown(t.map(|_| "listed".to_string())),
                ))
            }
        }
    }
    let by_cert = |r: &PublicRoster| -> BTreeMap<String, super::commitment::FrozenInspector> {
        r.inspectors
            .iter()
            .map(|i| (i.certificate_no.clone(), i.clone()))
            .collect()
    };
    let (mine, theirs) = (by_cert(bundle), by_cert(announced));
    for cert in mine
        .keys()
        .chain(theirs.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (mine.get(cert), theirs.get(cert)) {
            (Some(m), Some(t)) if m != t => {
                let (field, a, b) = if m.status != t.status {
                    (
                        "status",
                        format!("{:?}", m.status),
                        format!("{:?}", t.status),
                    )
                } else if m.valid_from != t.valid_from {
                    (
                        "valid_from",
                        m.valid_from.to_string(),
                        t.valid_from.to_string(),
                    )
                } else if m.valid_to != t.valid_to {
                    ("valid_to", m.valid_to.to_string(), t.valid_to.to_string())
                } else {
                    (
                        "fields",
                        format!("{:?}", m.fields),
                        format!("{:?}", t.fields),
                    )
                };
                return Some(Difference::announced(
                    format!("stage2 inspector {cert} {field}"),
                    a,
                    b,
                ));
            }
            (Some(_), Some(_)) => {}
            (m, t) => {
                return Some(Difference::announced(
                    format!("stage2 inspector {cert}"),
                    shown(m.map(|_| "listed".to_string())),
                    shown(t.map(|_| "listed".to_string())),
                ))
            }
        }
    }
    let lines = |r: &PublicRoster| -> std::collections::BTreeSet<String> {
        r.avoidances.iter().filter_map(|a| a.line()).collect()
    };
    let (mine, theirs) = (lines(bundle), lines(announced));
    if let Some(line) = mine.symmetric_difference(&theirs).next() {
        let word = |set: &std::collections::BTreeSet<String>| {
            if set.contains(line) {
                "listed"
            } else {
                "absent"
            }
            .to_string()
        };
        return Some(Difference::announced(
            format!("stage2 回避 \"{line}\""),
            word(&mine),
            word(&theirs),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::commitment::commit;
    use super::super::frozen::{draw, DrawRules};
    use super::*;

    /// A bundle as the service writes it: both hashes as announced, the teams as recomputed.
    fn publish(
        plan: &BundlePlan,
        members: &[Member],
        roster: &FrozenRoster,
        sources: &[BundleSource],
        drawn: &Drawn,
    ) -> Vec<u8> {
        let snapshot = snapshot_sha256(members.iter().map(|m| m.credit_code.as_str()));
        let rules = Stage2Rules {
            team_size: plan.team_size,
            load_cap: plan.load_cap,
        };
        let stage2 = commit(roster, members, rules);
        to_json(Published {
            plan,
            members,
            roster,
            sources,
            drawn,
            snapshot_sha256: &snapshot,
            stage2_sha256: Some(&stage2),
            recorded: None,
        })
        .unwrap()
    }

    /// 40 网吧 and 8 inspectors who may all inspect them.
    fn inputs() -> (Vec<Member>, FrozenRoster) {
        let members: Vec<Member> = (0..40)
            .map(|i| Member {
                credit_code: format!("9164010{i:011}"),
                category: "internet_venue".into(),
            })
            .collect();
        let roster = FrozenRoster::new(
            (1..=8)
                .map(|i| super::super::frozen::RosterEntry {
                    certificate_no: format!("640100{i:02}"),
                    active: true,
                    valid_from: "2025-01-01".parse().unwrap(),
                    valid_to: "2027-12-31".parse().unwrap(),
                    fields: vec!["internet_venue".into()],
                    conflict_categories: Vec::new(),
                    conflict_entities: Vec::new(),
                })
                .collect(),
            Default::default(),
        );
        (members, roster)
    }

    fn bundle(load_cap: Option<u32>, sample: usize) -> Bundle {
        let (members, roster) = inputs();
        let sources = vec![vec![9319], vec![2, 5, 12, 8, 10]];
        let rules = DrawRules {
            sample,
            team_size: 2,
            load_cap,
            draw_date: "2026-12-04".parse().unwrap(),
        };
        let drawn = draw(&members, &roster, &sources, rules).unwrap();
        let plan = BundlePlan {
            id: 7,
            title: "网吧日常经营抽查".into(),
            team_size: 2,
            load_cap,
            draw_date: rules.draw_date,
        };
        let sources: Vec<BundleSource> = sources
            .into_iter()
            .map(|values| BundleSource {
                description: "福利彩票".into(),
                available_on: "2026-12-03".parse().unwrap(),
                values,
            })
            .collect();
        let bytes = publish(&plan, &members, &roster, &sources, &drawn);
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_bundle_verifies_and_survives_json() {
        let b = bundle(Some(2), 6);
        verify(&b).unwrap();
        let json = serde_json::to_string(&b).unwrap();
        let back: Bundle = serde_json::from_str(&json).unwrap();
        assert_eq!(back, b);
        assert_eq!(b.teams[0].key, format!("{}inspectors:1/", b.key));
        assert_eq!(b.entity_picks[0].md5.len(), 32);
        assert_eq!(b.entity_picks[0].md5, b.entity_picks[0].md5.to_uppercase());
    }

    #[test]
    fn the_written_json_reads_back_as_a_bundle_that_writes_the_same_text() {
        let (members, roster) = inputs();
        let rules = DrawRules {
            sample: 6,
            team_size: 3,
            load_cap: Some(4),
            draw_date: "2026-12-04".parse().unwrap(),
        };
        let drawn = draw(&members, &roster, &[vec![7], vec![1, 2]], rules).unwrap();
        let plan = BundlePlan {
            id: 3,
            title: "抽查".into(),
            team_size: 3,
            load_cap: Some(4),
            draw_date: rules.draw_date,
        };
        let sources = vec![
            BundleSource {
                description: "a".into(),
                available_on: "2026-12-03".parse().unwrap(),
                values: vec![7],
            },
            BundleSource {
                description: "b".into(),
                available_on: "2026-12-03".parse().unwrap(),
                values: vec![1, 2],
            },
        ];
        let bytes = publish(&plan, &members, &roster, &sources, &drawn);
        let back: Bundle = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(serde_json::to_vec(&back).unwrap(), bytes);
        assert_eq!(back.plan, plan);
        assert_eq!(back.snapshot.size, 40);
        assert_eq!(back.teams.len(), 6);
        assert!(back.teams.iter().all(|t| t.inspectors.len() == 3));
        verify(&back).unwrap();
    }

    #[test]
    fn every_kind_of_tampering_is_named() {
        type Tamper = fn(&mut Bundle);
        let cases: &[(&str, Tamper)] = &[
            ("snapshot.sha256", |b| b.snapshot.sha256 = "00".repeat(32)),
            ("snapshot order", |b| b.snapshot.credit_codes.swap(0, 1)),
            ("snapshot.size", |b| b.snapshot.size += 1),
            ("key", |b| b.sources[0].values = vec![9320]),
            ("entity pick 2", |b| b.entity_picks[1].position += 1),
            ("entity pick 1", |b| b.entity_picks[0].md5 = "0".repeat(32)),
            ("team 3 inspectors", |b| b.teams[2].inspectors.reverse()),
            ("team 1 eligibility order", |b| {
                b.teams[0].eligible.reverse()
            }),
            ("team 2 eligible", |b| {
                b.teams[1].eligible.pop();
            }),
            ("stage2.sha256", |b| {
                b.stage2.roster.inspectors[0].valid_to = "2026-12-31".parse().unwrap()
            }),
            ("stage2.sha256", |b| {
                b.stage2.member_categories[0] = "x".into()
            }),
            ("stage2.sha256", |b| b.plan.team_size = 3),
            ("stage2 inspectors", |b| {
                b.stage2.roster.inspectors.swap(0, 1)
            }),
            ("stage2.member_categories", |b| {
                b.stage2.member_categories.pop();
            }),
            ("plan.draw_date", |b| {
                b.plan.draw_date = "2026-12-02".parse().unwrap()
            }),
            ("team 1 entity", |b| b.teams[0].credit_code = "X".into()),
            ("algorithm", |b| b.algorithm = "gongshi-draw/2".into()),
        ];
        for (what, tamper) in cases {
            let mut b = bundle(None, 6);
            tamper(&mut b);
            let d = verify(&b).unwrap_err();
            assert!(d.what.starts_with(what), "{what}: got {d}");
        }
    }

    #[test]
    fn an_inspector_listed_after_reaching_the_load_cap_is_named() {
        let mut b = bundle(Some(1), 3);
        verify(&b).unwrap();
        // Claim a cap of 1 but put an already-assigned inspector back on a later list.
        let used = b.teams[0].inspectors[0].clone();
        let mut later = b.teams[1].eligible.clone();
        later.push(used);
        later.sort();
        b.teams[1].eligible = later;
        let d = verify(&b).unwrap_err();
        assert_eq!(d.what, "team 2: inspectors at the load cap on the list");
    }

    fn announced_of(b: &Bundle) -> AnnouncedPlan {
        AnnouncedPlan {
            id: b.plan.id,
            team_size: b.plan.team_size,
            load_cap: b.plan.load_cap,
            random_sources: b
                .sources
                .iter()
                .map(|s| AnnouncedSource {
                    description: s.description.clone(),
                    available_on: s.available_on,
                })
                .collect(),
            snapshot: Some(AnnouncedSnapshot {
                sha256: b.snapshot.sha256.clone(),
                size: b.snapshot.size,
            }),
            sample: Some(b.entity_picks.len()),
            stage2_sha256: b.stage2.sha256.clone(),
            frozen_roster: Some(b.stage2.roster.clone()),
        }
    }

    /// The bundle of the same plan drawn over a roster changed after the announcement, written
    /// consistently (teams, lists and commitment all follow the changed roster).
    fn rewritten(load_cap: Option<u32>, change: impl FnOnce(&mut FrozenRoster, &Bundle)) -> Bundle {
        let honest = bundle(load_cap, 6);
        let (members, mut roster) = inputs();
        change(&mut roster, &honest);
        let rules = DrawRules {
            sample: 6,
            team_size: 2,
            load_cap,
            draw_date: honest.plan.draw_date,
        };
        let values: Vec<Vec<u64>> = honest.sources.iter().map(|s| s.values.clone()).collect();
        let drawn = draw(&members, &roster, &values, rules).unwrap();
        let bytes = publish(&honest.plan, &members, &roster, &honest.sources, &drawn);
        serde_json::from_slice(&bytes).unwrap()
    }

    /// Issue 26, weakness 1: a conflict added after the announcement for the inspector drawn
    /// first, with the teams rewritten to match, is a bundle consistent with itself; only the
    /// announcement shows it is not the plan's.
    #[test]
    fn a_roster_rewritten_after_the_announcement_fails_against_it_naming_the_input() {
        let honest = bundle(None, 6);
        let announced = announced_of(&honest);
        verify_announced(&honest, &announced).unwrap();
        let first = honest.teams[0].inspectors[0].clone();
        let entity = honest.teams[0].credit_code.clone();
        let forged = rewritten(None, |r, _| {
            let ix = r
                .inspectors
                .iter()
                .position(|i| i.certificate_no == first)
                .unwrap();
            r.inspectors[ix].conflict_entities.push(entity.clone());
        });
        assert!(!forged.teams[0].inspectors.contains(&first));
        verify(&forged).unwrap();
        let d = verify_announced(&forged, &announced).unwrap_err();
        assert_eq!(
            d.what,
            format!("stage2 回避 \"avoid {first} entity {entity}\"")
        );
        assert_eq!(
            (d.published.as_str(), d.against, d.expected.as_str()),
            ("listed", "announced", "absent")
        );
        assert!(
            d.to_string().contains("published listed, announced absent"),
            "{d}"
        );
        // A saved page without the roster still catches it, by the commitment.
        let bare = AnnouncedPlan {
            frozen_roster: None,
            ..announced.clone()
        };
        assert_eq!(
            verify_announced(&forged, &bare).unwrap_err().what,
            "stage2.sha256"
        );
        // A certificate made valid again on paper.
        let forged = rewritten(None, |r, _| {
            r.inspectors[0].valid_to = "2030-12-31".parse().unwrap()
        });
        let d = verify_announced(&forged, &announced).unwrap_err();
        assert_eq!(
            d.what,
            format!(
                "stage2 inspector {} valid_to",
                forged.stage2.roster.inspectors[0].certificate_no
            )
        );
        assert_eq!(
            (d.published.as_str(), d.expected.as_str()),
            ("2030-12-31", "2027-12-31")
        );
    }

    #[test]
    fn each_announced_value_is_checked() {
        let honest = bundle(Some(3), 6);
        type Change = fn(&mut AnnouncedPlan);
        let cases: &[(&str, Change)] = &[
            ("plan.id", |a| a.id += 1),
            ("announcement", |a| a.snapshot = None),
            ("plan.team_size", |a| a.team_size = 3),
            ("plan.load_cap", |a| a.load_cap = None),
            ("number of entity picks", |a| a.sample = Some(7)),
            ("number of sources", |a| {
                a.random_sources.pop();
            }),
            ("source 2 description", |a| {
                a.random_sources[1].description.push('x')
            }),
            ("source 1 available_on", |a| {
                a.random_sources[0].available_on = "2026-12-04".parse().unwrap()
            }),
            ("snapshot.size", |a| a.snapshot.as_mut().unwrap().size -= 1),
            ("snapshot.sha256", |a| {
                a.snapshot.as_mut().unwrap().sha256 = "0".repeat(64)
            }),
            ("stage2.sha256", |a| a.stage2_sha256 = None),
            ("stage2.sha256", |a| a.stage2_sha256 = Some("0".repeat(64))),
            ("stage2 category internet_venue", |a| {
                a.frozen_roster.as_mut().unwrap().categories.push(
                    super::super::commitment::CategoryNode {
                        code: "internet_venue".into(),
                        parent: None,
                    },
                )
            }),
            ("stage2 inspector 64010003", |a| {
                a.frozen_roster.as_mut().unwrap().inspectors.remove(2);
            }),
            ("stage2 inspector 64010001 fields", |a| {
                a.frozen_roster.as_mut().unwrap().inspectors[0]
                    .fields
                    .clear()
            }),
        ];
        for (what, change) in cases {
            let mut a = announced_of(&honest);
            change(&mut a);
            let d = verify_announced(&honest, &a).unwrap_err();
            assert!(d.what.starts_with(what), "{what}: got {d}");
            assert_eq!(d.against, "announced", "{d}");
        }
    }

    /// A team changed in the database after the draw is published as stored, and fails.
    #[test]
    fn a_recorded_team_that_differs_from_the_draw_is_published_and_fails() {
        let (members, roster) = inputs();
        let honest = bundle(None, 6);
        let rules = DrawRules {
            sample: 6,
            team_size: 2,
            load_cap: None,
            draw_date: honest.plan.draw_date,
        };
        let values: Vec<Vec<u64>> = honest.sources.iter().map(|s| s.values.clone()).collect();
        let drawn = draw(&members, &roster, &values, rules).unwrap();
        let mut teams: Vec<Vec<String>> =
            honest.teams.iter().map(|t| t.inspectors.clone()).collect();
        teams[2][1] = "64010099".into();
        let recorded: Vec<Recorded> = honest
            .teams
            .iter()
            .zip(&teams)
            .map(|(t, i)| Recorded {
                credit_code: &t.credit_code,
                inspectors: i,
            })
            .collect();
        let bytes = to_json(Published {
            plan: &honest.plan,
            members: &members,
            roster: &roster,
            sources: &honest.sources,
            drawn: &drawn,
            snapshot_sha256: &honest.snapshot.sha256,
            stage2_sha256: honest.stage2.sha256.as_deref(),
            recorded: Some(&recorded),
        })
        .unwrap();
        let b: Bundle = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(b.teams[2].inspectors[1], "64010099");
        let d = verify_announced(&b, &announced_of(&honest)).unwrap_err();
        assert_eq!(d.what, "team 3 inspectors");
    }
}
