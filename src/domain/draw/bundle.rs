//! The public bundle of a draw (`api-spec/draw-verification.md` §6): everything an outsider
//! needs to recompute it, and the recomputation itself (`gongshi draw verify`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assign::team_key;
use super::frozen::{snapshot_sha256, Drawn, FrozenRoster, Member};
use super::rfc3797::{select, Key, Pick};

/// The algorithm this module and the written specification describe.
pub const ALGORITHM: &str = "gongshi-draw/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub algorithm: String,
    pub plan: BundlePlan,
    pub snapshot: BundleSnapshot,
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

/// The bundle of a draw as JSON, written straight from the draw and the frozen inputs, without a
/// `String` per certificate number (a province-size bundle lists millions of them). It reads
/// back as a [`Bundle`], which writes the same text again.
pub fn to_json(
    plan: &BundlePlan,
    members: &[Member],
    roster: &FrozenRoster,
    sources: &[BundleSource],
    drawn: &Drawn,
) -> serde_json::Result<Vec<u8>> {
    let view = View {
        plan,
        members,
        roster,
        sources,
        drawn,
    };
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
    let estimate = members.len() * 21 + listed * cert_len + drawn.teams.len() * 600 + 4096;
    let mut out = Vec::with_capacity(estimate);
    serde_json::to_writer(&mut out, &view)?;
    Ok(out)
}

struct View<'a> {
    plan: &'a BundlePlan,
    members: &'a [Member],
    roster: &'a FrozenRoster,
    sources: &'a [BundleSource],
    drawn: &'a Drawn,
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
        let codes = self.members;
        let certs = &self.roster.inspectors;
        let cert = move |ix: &u32| certs[*ix as usize].certificate_no.as_str();
        let mut st = s.serialize_struct("Bundle", 7)?;
        st.serialize_field("algorithm", ALGORITHM)?;
        st.serialize_field("plan", self.plan)?;
        #[derive(Serialize)]
        struct Snapshot<C: Serialize> {
            sha256: String,
            size: usize,
            credit_codes: C,
        }
        st.serialize_field(
            "snapshot",
            &Snapshot {
                sha256: snapshot_sha256(codes.iter().map(|m| m.credit_code.as_str())),
                size: codes.len(),
                credit_codes: Seq(|| codes.iter().map(|m| m.credit_code.as_str())),
            },
        )?;
        st.serialize_field("sources", self.sources)?;
        st.serialize_field("key", self.drawn.key.as_str())?;
        st.serialize_field(
            "entity_picks",
            &Seq(|| {
                self.drawn.entity_picks.iter().map(|p| PickView {
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
        let key = &self.drawn.key;
        st.serialize_field(
            "teams",
            &Seq(|| {
                self.drawn
                    .teams
                    .iter()
                    .zip(&self.drawn.entity_picks)
                    .enumerate()
                    .map(move |(i, (team, p))| TeamView {
                        pick: i + 1,
                        credit_code: codes[p.position - 1].credit_code.as_str(),
                        key: team_key(key, i + 1).as_str().to_string(),
                        eligible: Seq(move || team.eligible.iter().map(cert)),
                        picks: Seq(move || {
                            team.picks.iter().map(move |t| PickView {
                                certificate_no: Some(cert(&team.eligible[t.position - 1])),
                                ..PickView::of(t)
                            })
                        }),
                        inspectors: Seq(move || team.members.iter().map(cert)),
                    })
            }),
        )?;
        st.end()
    }
}

/// Where a bundle and its recomputation first part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: published {published}, recomputed {recomputed}")]
pub struct Difference {
    pub what: String,
    pub published: String,
    pub recomputed: String,
}

fn expect<T: PartialEq + std::fmt::Debug>(
    what: impl Into<String>,
    published: &T,
    recomputed: &T,
) -> Result<(), Difference> {
    if published == recomputed {
        return Ok(());
    }
    Err(Difference {
        what: what.into(),
        published: format!("{published:?}"),
        recomputed: format!("{recomputed:?}"),
    })
}

/// Recomputes a bundle from its own contents: the snapshot hash, the key, both stages and the
/// load cap. `Ok` means every published value follows from the published inputs.
pub fn verify(b: &Bundle) -> Result<(), Difference> {
    expect("algorithm", &b.algorithm.as_str(), &ALGORITHM)?;
    let codes = &b.snapshot.credit_codes;
    expect("snapshot.size", &b.snapshot.size, &codes.len())?;
    if let Some(w) = codes.windows(2).position(|w| w[0] >= w[1]) {
        return Err(Difference {
            what: format!("snapshot order at position {}", w + 2),
            published: codes[w + 1].clone(),
            recomputed: format!("a code after {}", codes[w]),
        });
    }
    expect(
        "snapshot.sha256",
        &b.snapshot.sha256,
        &snapshot_sha256(codes.iter().map(String::as_str)),
    )?;
    let values: Vec<Vec<u64>> = b.sources.iter().map(|s| s.values.clone()).collect();
    let key = Key::from_sources(&values).map_err(|e| Difference {
        what: "sources".into(),
        published: format!("{values:?}"),
        recomputed: e.to_string(),
    })?;
    expect("key", &b.key.as_str(), &key.as_str())?;
    let picks = select(&key, codes.len(), b.entity_picks.len()).map_err(|e| Difference {
        what: "entity picks".into(),
        published: b.entity_picks.len().to_string(),
        recomputed: e.to_string(),
    })?;
    for (published, mine) in b.entity_picks.iter().zip(&picks) {
        expect(
            format!("entity pick {}", mine.index),
            published,
            &entity_pick(mine, codes),
        )?;
    }
    expect("number of teams", &b.teams.len(), &picks.len())?;
    let mut load: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for (j, (team, entity)) in b.teams.iter().zip(&b.entity_picks).enumerate() {
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
        let mine =
            select(&tkey, team.eligible.len(), b.plan.team_size).map_err(|e| Difference {
                what: format!("team {j}"),
                published: format!("{} eligible", team.eligible.len()),
                recomputed: e.to_string(),
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

#[cfg(test)]
mod tests {
    use super::super::frozen::{draw, DrawRules};
    use super::*;

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
        let bytes = to_json(&plan, &members, &roster, &sources, &drawn).unwrap();
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
        let bytes = to_json(&plan, &members, &roster, &sources, &drawn).unwrap();
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
            ("team 2 pick 1", |b| {
                b.teams[1].eligible.pop();
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
}
