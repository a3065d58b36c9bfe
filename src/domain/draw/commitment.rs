//! The stage-2 commitment (issue 26, `api-spec/draw-verification.md` §5a): one SHA-256,
//! published when a plan is announced, over a canonical text of everything the teams depend on
//! besides the key. That is the frozen roster (certificate number, status, validity, fields), its
//! 回避 pairs (certificate number × category or credit code, never the reasons), the category tree,
//! the team size, the load cap and each member's category. A bundle whose inputs differ from what
//! was announced then fails verification, even when it is consistent with itself.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::frozen::{FrozenRoster, Member, RosterEntry};

/// The first line of the canonical text: the format's name and version.
pub const HEADER: &str = "gongshi-stage2/1";

/// A category of the frozen tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryNode {
    pub code: String,
    pub parent: Option<String>,
}

/// Whether an inspector could be drawn at all (the roster's `active`; every other status is
/// `inactive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RosterStatus {
    Active,
    Inactive,
}

impl RosterStatus {
    fn word(self) -> &'static str {
        match self {
            RosterStatus::Active => "active",
            RosterStatus::Inactive => "inactive",
        }
    }
}

/// An inspector of the frozen roster, as published: nothing private.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrozenInspector {
    pub certificate_no: String,
    pub status: RosterStatus,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Category codes, ascending, each once.
    pub fields: Vec<String>,
}

/// A 回避 pair: an inspector who may not inspect a category (and its sub-kinds) or one entity.
/// Exactly one of `category` and `credit_code` is set. The reason is personal and never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Avoidance {
    pub certificate_no: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
}

impl Avoidance {
    /// Its line of the canonical text, without the line feed (`None`: not exactly one target).
    pub fn line(&self) -> Option<String> {
        match (&self.category, &self.credit_code) {
            (Some(c), None) => Some(format!("avoid {} category {c}", self.certificate_no)),
            (None, Some(c)) => Some(format!("avoid {} entity {c}", self.certificate_no)),
            _ => None,
        }
    }
}

/// The frozen roster as the public plan page and the bundle show it, in canonical order:
/// categories by code, inspectors by certificate number, 回避 pairs by their canonical line (all
/// ascending byte order, each once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRoster {
    pub categories: Vec<CategoryNode>,
    pub inspectors: Vec<FrozenInspector>,
    pub avoidances: Vec<Avoidance>,
}

impl PublicRoster {
    /// The public form of a frozen roster, in canonical order.
    pub fn of(roster: &FrozenRoster) -> PublicRoster {
        let categories = roster
            .parents
            .iter()
            .map(|(code, parent)| CategoryNode {
                code: code.clone(),
                parent: parent.clone(),
            })
            .collect();
        let mut inspectors: Vec<FrozenInspector> = roster
            .inspectors
            .iter()
            .map(|r| FrozenInspector {
                certificate_no: r.certificate_no.clone(),
                status: if r.active {
                    RosterStatus::Active
                } else {
                    RosterStatus::Inactive
                },
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                fields: r
                    .fields
                    .iter()
                    .cloned()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect();
        inspectors.sort_by(|a, b| a.certificate_no.cmp(&b.certificate_no));
        let mut avoidances: BTreeMap<String, Avoidance> = BTreeMap::new();
        for r in &roster.inspectors {
            let pairs = r
                .conflict_categories
                .iter()
                .map(|c| (Some(c.clone()), None))
                .chain(r.conflict_entities.iter().map(|c| (None, Some(c.clone()))));
            for (category, credit_code) in pairs {
                let a = Avoidance {
                    certificate_no: r.certificate_no.clone(),
                    category,
                    credit_code,
                };
                if let Some(line) = a.line() {
                    avoidances.insert(line, a);
                }
            }
        }
        PublicRoster {
            categories,
            inspectors,
            avoidances: avoidances.into_values().collect(),
        }
    }

    /// The roster the draw reads, rebuilt from the public form (for verification).
    pub fn frozen(&self) -> FrozenRoster {
        let mut conflicts: BTreeMap<&str, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for a in &self.avoidances {
            let slot = conflicts.entry(a.certificate_no.as_str()).or_default();
            if let Some(c) = &a.category {
                slot.0.push(c.clone());
            }
            if let Some(c) = &a.credit_code {
                slot.1.push(c.clone());
            }
        }
        let inspectors = self
            .inspectors
            .iter()
            .map(|i| {
                let (conflict_categories, conflict_entities) = conflicts
                    .remove(i.certificate_no.as_str())
                    .unwrap_or_default();
                RosterEntry {
                    certificate_no: i.certificate_no.clone(),
                    active: i.status == RosterStatus::Active,
                    valid_from: i.valid_from,
                    valid_to: i.valid_to,
                    fields: i.fields.clone(),
                    conflict_categories,
                    conflict_entities,
                }
            })
            .collect();
        let parents = self
            .categories
            .iter()
            .map(|c| (c.code.clone(), c.parent.clone()))
            .collect();
        FrozenRoster::new(inspectors, parents)
    }

    /// Where the lists are not in canonical order, or a pair is malformed: the first such place.
    pub fn disorder(&self) -> Option<String> {
        if let Some(w) = self.categories.windows(2).find(|w| w[0].code >= w[1].code) {
            return Some(format!(
                "categories: {} after {} (codes strictly ascending)",
                w[1].code, w[0].code
            ));
        }
        if let Some(w) = self
            .inspectors
            .windows(2)
            .find(|w| w[0].certificate_no >= w[1].certificate_no)
        {
            return Some(format!(
                "inspectors: {} after {} (certificate numbers strictly ascending)",
                w[1].certificate_no, w[0].certificate_no
            ));
        }
        if let Some(i) = self
            .inspectors
            .iter()
            .find(|i| i.fields.windows(2).any(|w| w[0] >= w[1]))
        {
            return Some(format!(
                "inspector {}: fields {:?} (strictly ascending)",
                i.certificate_no, i.fields
            ));
        }
        let mut last: Option<String> = None;
        for a in &self.avoidances {
            let Some(line) = a.line() else {
                return Some(format!(
                    "avoidance of {}: exactly one of category and credit_code",
                    a.certificate_no
                ));
            };
            if last.as_ref().is_some_and(|l| *l >= line) {
                return Some(format!(
                    "avoidances: \"{line}\" after \"{}\" (lines strictly ascending)",
                    last.unwrap_or_default()
                ));
            }
            last = Some(line);
        }
        None
    }
}

/// What the team stage fixes besides the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage2Rules {
    pub team_size: usize,
    pub load_cap: Option<u32>,
}

/// Writes the canonical text, line by line, to `out`: the header; `team_size N`; `load_cap N` or
/// `load_cap none`; `category CODE PARENT` (`-` for none) per category; `inspector CERT STATUS
/// FROM TO FIELDS` (fields joined by `,`, `-` for none) per inspector; the avoidance lines; then
/// `member CREDIT_CODE CATEGORY` per member of the snapshot, in snapshot order. Every line ends
/// with `\n`; the lists are written in the order given (canonical when they come from
/// [`PublicRoster::of`]).
pub fn write_text<'a>(
    roster: &PublicRoster,
    rules: Stage2Rules,
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
    mut out: impl FnMut(&[u8]),
) {
    let mut line = String::with_capacity(128);
    let mut emit = |line: &mut String| {
        line.push('\n');
        out(line.as_bytes());
        line.clear();
    };
    line.push_str(HEADER);
    emit(&mut line);
    line.push_str(&format!("team_size {}", rules.team_size));
    emit(&mut line);
    match rules.load_cap {
        Some(cap) => line.push_str(&format!("load_cap {cap}")),
        None => line.push_str("load_cap none"),
    }
    emit(&mut line);
    for c in &roster.categories {
        line.push_str(&format!(
            "category {} {}",
            c.code,
            c.parent.as_deref().unwrap_or("-")
        ));
        emit(&mut line);
    }
    for i in &roster.inspectors {
        let fields = if i.fields.is_empty() {
            "-".to_string()
        } else {
            i.fields.join(",")
        };
        line.push_str(&format!(
            "inspector {} {} {} {} {fields}",
            i.certificate_no,
            i.status.word(),
            i.valid_from,
            i.valid_to
        ));
        emit(&mut line);
    }
    for a in &roster.avoidances {
        if let Some(l) = a.line() {
            line.push_str(&l);
            emit(&mut line);
        }
    }
    for (code, category) in members {
        line.push_str("member ");
        line.push_str(code);
        line.push(' ');
        line.push_str(category);
        emit(&mut line);
    }
}

/// The canonical text as one string (the specification's example; tests).
pub fn canonical_text<'a>(
    roster: &PublicRoster,
    rules: Stage2Rules,
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut text = Vec::new();
    write_text(roster, rules, members, |b| text.extend_from_slice(b));
    String::from_utf8(text).unwrap_or_default()
}

/// SHA-256 of the canonical text, lower-case hex.
pub fn stage2_sha256<'a>(
    roster: &PublicRoster,
    rules: Stage2Rules,
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut h = Sha256::new();
    write_text(roster, rules, members, |b| h.update(b));
    hex::encode(h.finalize())
}

/// The commitment of a plan's frozen inputs, as announcing publishes it.
pub fn commit(roster: &FrozenRoster, members: &[Member], rules: Stage2Rules) -> String {
    stage2_sha256(
        &PublicRoster::of(roster),
        rules,
        members
            .iter()
            .map(|m| (m.credit_code.as_str(), m.category.as_str())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn frozen() -> FrozenRoster {
        let entry = |no: &str, active: bool, fields: &[&str]| RosterEntry {
            certificate_no: no.into(),
            active,
            valid_from: day("2025-01-01"),
            valid_to: day("2027-12-31"),
            fields: fields.iter().map(|s| s.to_string()).collect(),
            conflict_categories: Vec::new(),
            conflict_entities: Vec::new(),
        };
        let mut a = entry("64010002", true, &["internet_venue", "entertainment_venue"]);
        a.conflict_entities = vec!["91640100MA76A1B2C3".into(), "91640100MA76A1B2C3".into()];
        let mut b = entry("64010001", false, &[]);
        b.conflict_categories = vec!["internet_venue".into()];
        let mut parents = BTreeMap::new();
        parents.insert(
            "song_dance_venue".into(),
            Some("entertainment_venue".into()),
        );
        parents.insert("entertainment_venue".into(), None);
        FrozenRoster::new(vec![a, b], parents)
    }

    const TEXT: &str = "gongshi-stage2/1
team_size 2
load_cap none
category entertainment_venue -
category song_dance_venue entertainment_venue
inspector 64010001 inactive 2025-01-01 2027-12-31 -
inspector 64010002 active 2025-01-01 2027-12-31 entertainment_venue,internet_venue
avoid 64010001 category internet_venue
avoid 64010002 entity 91640100MA76A1B2C3
member 91640100MA76A1B2C3 song_dance_venue
";

    fn members() -> Vec<Member> {
        vec![Member {
            credit_code: "91640100MA76A1B2C3".into(),
            category: "song_dance_venue".into(),
        }]
    }

    const RULES: Stage2Rules = Stage2Rules {
        team_size: 2,
        load_cap: None,
    };

    #[test]
    fn the_canonical_text_sorts_each_list_and_writes_each_pair_once() {
        let public = PublicRoster::of(&frozen());
        assert_eq!(public.disorder(), None);
        let m = members();
        let pairs = m
            .iter()
            .map(|m| (m.credit_code.as_str(), m.category.as_str()));
        assert_eq!(canonical_text(&public, RULES, pairs.clone()), TEXT);
        assert_eq!(
            stage2_sha256(&public, RULES, pairs),
            hex::encode(Sha256::digest(TEXT.as_bytes()))
        );
        assert_eq!(
            commit(&frozen(), &m, RULES),
            hex::encode(Sha256::digest(TEXT.as_bytes()))
        );
        let capped = Stage2Rules {
            load_cap: Some(3),
            ..RULES
        };
        assert!(canonical_text(&public, capped, []).contains("\nload_cap 3\n"));
    }

    /// §5a's example in `api-spec/draw-verification.md` is this module's text and hash.
    #[test]
    fn the_specifications_example_is_what_the_code_writes() {
        let spec = include_str!("../../../api-spec/draw-verification.md");
        let text = spec
            .split("<!-- stage2-example -->\n```\n")
            .nth(1)
            .and_then(|rest| rest.split("```\n<!-- /stage2-example -->").next())
            .expect("the example between its markers");
        assert_eq!(text, TEXT);
        let hash = commit(&frozen(), &members(), RULES);
        assert!(
            spec.contains(&format!("Its SHA-256 is `{hash}`.")),
            "the spec gives another hash than {hash}"
        );
    }

    #[test]
    fn the_public_form_reads_back_as_the_roster_the_draw_uses() {
        let roster = frozen();
        let public = PublicRoster::of(&roster);
        let back = public.frozen();
        assert_eq!(back.parents, roster.parents);
        assert_eq!(back.inspectors[0].conflict_categories, ["internet_venue"]);
        assert_eq!(
            back.inspectors[1].conflict_entities,
            ["91640100MA76A1B2C3"],
            "the repeated declaration counts once"
        );
        assert_eq!(PublicRoster::of(&back), public);
        let json = serde_json::to_string(&public).unwrap();
        assert!(json.contains(r#"{"certificate_no":"64010001","category":"internet_venue"}"#));
        assert!(json.contains(r#""status":"inactive""#));
        assert_eq!(serde_json::from_str::<PublicRoster>(&json).unwrap(), public);
    }

    /// Every input the teams depend on moves the hash.
    #[test]
    fn every_input_changes_the_commitment() {
        let m = members();
        let base = commit(&frozen(), &m, RULES);
        type Change = fn(&mut FrozenRoster, &mut Vec<Member>, &mut Stage2Rules);
        let changes: &[(&str, Change)] = &[
            ("team size", |_, _, r| r.team_size = 3),
            ("load cap", |_, _, r| r.load_cap = Some(2)),
            ("status", |f, _, _| f.inspectors[0].active = true),
            ("valid_from", |f, _, _| {
                f.inspectors[0].valid_from = day("2025-01-02")
            }),
            ("valid_to", |f, _, _| {
                f.inspectors[1].valid_to = day("2026-12-31")
            }),
            ("fields", |f, _, _| f.inspectors[0].fields.push("x".into())),
            ("certificate", |f, _, _| {
                f.inspectors[0].certificate_no = "64010009".into()
            }),
            ("entity avoidance", |f, _, _| {
                f.inspectors[0]
                    .conflict_entities
                    .push("91640100MA76A1B2C3".into())
            }),
            ("category avoidance", |f, _, _| {
                f.inspectors[1]
                    .conflict_categories
                    .push("song_dance_venue".into())
            }),
            ("tree", |f, _, _| {
                f.parents.insert("song_dance_venue".into(), None);
            }),
            ("member category", |_, m, _| {
                m[0].category = "entertainment_venue".into()
            }),
            ("member", |_, m, _| m.clear()),
        ];
        for (what, change) in changes {
            let (mut f, mut m, mut r) = (frozen(), members(), RULES);
            change(&mut f, &mut m, &mut r);
            assert_ne!(commit(&f, &m, r), base, "{what}");
        }
    }

    #[test]
    fn lists_out_of_order_or_a_pair_with_two_targets_are_named() {
        let mut p = PublicRoster::of(&frozen());
        p.inspectors.swap(0, 1);
        assert!(p.disorder().unwrap().starts_with("inspectors: 64010001"));
        let mut p = PublicRoster::of(&frozen());
        p.inspectors[1].fields.reverse();
        assert!(p.disorder().unwrap().starts_with("inspector 64010002"));
        let mut p = PublicRoster::of(&frozen());
        p.avoidances.reverse();
        assert!(p.disorder().unwrap().starts_with("avoidances"));
        let mut p = PublicRoster::of(&frozen());
        p.avoidances[0].credit_code = Some("x".into());
        assert!(p.disorder().unwrap().contains("exactly one"));
        let mut p = PublicRoster::of(&frozen());
        p.categories.push(p.categories[0].clone());
        assert!(p.disorder().unwrap().starts_with("categories"));
    }
}
