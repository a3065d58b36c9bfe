//! 行业类别: the kinds of market entity a culture-and-tourism bureau supervises, as reference
//! data (`seeds/categories.csv`, and what admins add), not as a fixed list in the code.
//!
//! A [`Vocabulary`] is the whole list at one moment: it resolves what a file or a form writes
//! (the code, the Chinese label or an alias) to a [`CategoryCode`], expands a category to its
//! sub-kinds for a filter, and says which labels are closest to a value it does not know.

use std::collections::HashMap;

use super::field::{check_text, Errors, FieldError};
use super::text::fold_width;

/// A category's stable code as the API and the database hold it: lower-case ASCII letters,
/// digits and `_`, starting with a letter, 2–40 characters (e.g. `song_dance_venue`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CategoryCode(String);

impl CategoryCode {
    pub fn parse(input: &str) -> Result<CategoryCode, String> {
        let s = input.trim();
        if super::field::is_code(s, 40) {
            Ok(CategoryCode(s.to_string()))
        } else {
            Err(format!(
                "{s:?} is not a category code: 2 to 40 lower-case letters, digits or _, starting with a letter"
            ))
        }
    }

    /// A code read back from the database, which only ever stores parsed codes.
    pub fn stored(code: String) -> CategoryCode {
        CategoryCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One category of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub code: CategoryCode,
    /// The Chinese label staff see and exports write.
    pub label: String,
    /// Other names files use for it (accepted on input, never written).
    pub aliases: Vec<String>,
    /// The broader category it is a sub-kind of (a filter on the parent includes it).
    pub parent: Option<CategoryCode>,
    /// The regulation that defines it, e.g. 《娱乐场所管理条例》.
    pub regulation: Option<String>,
}

/// What a form or a file names as a category, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawCategory {
    pub code: Option<String>,
    pub label: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub parent: Option<String>,
    pub regulation: Option<String>,
}

/// A value that names no category, with the closest accepted labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCategory {
    pub value: String,
    /// `(code, label)`, closest first; at most [`SUGGESTIONS`].
    pub suggestions: Vec<(CategoryCode, String)>,
}

/// How many closest labels an unknown value's message names.
pub const SUGGESTIONS: usize = 3;

impl std::fmt::Display for UnknownCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a known category", self.value)?;
        if self.suggestions.is_empty() {
            f.write_str("; the accepted categories are listed at /api/v1/public/categories")
        } else {
            let names: Vec<String> = self
                .suggestions
                .iter()
                .map(|(code, label)| format!("{label} ({code})"))
                .collect();
            write!(
                f,
                "; closest: {} (all categories: /api/v1/public/categories)",
                names.join(", ")
            )
        }
    }
}

/// What adding [`RawCategory`] to a vocabulary means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addition {
    /// A new category.
    New(Category),
    /// New aliases of an existing category (the label, parent and regulation as stored).
    Aliases {
        code: CategoryCode,
        aliases: Vec<String>,
    },
    /// Everything asked for is already there.
    Unchanged(CategoryCode),
}

/// The longest label or alias.
pub const NAME_MAX: usize = 40;
/// The longest regulation text.
pub const REGULATION_MAX: usize = 200;

/// Every category at one moment, in list order.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    categories: Vec<Category>,
    /// Normalised code, label and alias → index in `categories`.
    names: HashMap<String, usize>,
    /// The same names as written, so the usual input (a label exactly as shipped) resolves
    /// without normalising it (a file may have a million rows).
    exact: HashMap<String, usize>,
}

/// How names are compared: width folded, spaces removed, ASCII case ignored (`KTV` = `ktv`).
fn normalise(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

impl Vocabulary {
    /// Builds the vocabulary; a name that two categories claim keeps the first (the store and
    /// [`Vocabulary::admit`] never let that happen).
    pub fn new(categories: Vec<Category>) -> Vocabulary {
        let mut names = HashMap::new();
        let mut exact = HashMap::new();
        for (i, c) in categories.iter().enumerate() {
            for n in std::iter::once(c.code.as_str())
                .chain(std::iter::once(c.label.as_str()))
                .chain(c.aliases.iter().map(String::as_str))
            {
                names.entry(normalise(n)).or_insert(i);
                exact.entry(n.to_string()).or_insert(i);
            }
        }
        // An exact name another category claims after normalising keeps that claim.
        exact.retain(|n, i| names.get(&normalise(n)) == Some(i));
        Vocabulary {
            categories,
            names,
            exact,
        }
    }

    pub fn all(&self) -> &[Category] {
        &self.categories
    }

    pub fn get(&self, code: &CategoryCode) -> Option<&Category> {
        self.categories.iter().find(|c| &c.code == code)
    }

    /// The label of a stored code (the code itself for one this vocabulary does not hold).
    pub fn label<'a>(&'a self, code: &'a CategoryCode) -> &'a str {
        self.get(code).map_or(code.as_str(), |c| c.label.as_str())
    }

    /// The category a code, label or alias names.
    pub fn resolve(&self, value: &str) -> Result<&Category, UnknownCategory> {
        if let Some(&i) = self.exact.get(value.trim()) {
            return Ok(&self.categories[i]);
        }
        self.names
            .get(&normalise(value))
            .map(|&i| &self.categories[i])
            .ok_or_else(|| UnknownCategory {
                value: value.trim().to_string(),
                suggestions: self.closest(value),
            })
    }

    /// A required category field: records `required` or `unknown` (with suggestions) in `e`.
    pub fn field(&self, e: &mut Errors, field: &str, value: Option<&str>) -> Option<CategoryCode> {
        match value.map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.push(field, "required", format!("{field} is required"));
                None
            }
            Some(v) => match self.resolve(v) {
                Ok(c) => Some(c.code.clone()),
                Err(unknown) => {
                    e.push(field, "unknown", unknown.to_string());
                    None
                }
            },
        }
    }

    /// `code` and every category below it, for a filter.
    pub fn with_descendants(&self, code: &CategoryCode) -> Vec<CategoryCode> {
        let mut out = vec![code.clone()];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i].clone();
            for c in &self.categories {
                if c.parent.as_ref() == Some(&parent) && !out.contains(&c.code) {
                    out.push(c.code.clone());
                }
            }
            i += 1;
        }
        out
    }

    /// The categories whose label or an alias is closest to `value`: one holding the other
    /// counts most (营业性演出场所 → 演出场所), then the share of characters in common.
    fn closest(&self, value: &str) -> Vec<(CategoryCode, String)> {
        let v = normalise(value);
        if v.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, usize)> = self
            .categories
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                std::iter::once(&c.label)
                    .chain(&c.aliases)
                    .map(|name| similarity(&v, &normalise(name)))
                    .fold(None, |best: Option<f64>, s| {
                        Some(best.map_or(s, |b| b.max(s)))
                    })
                    .filter(|&s| s >= 0.34)
                    .map(|s| (s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(SUGGESTIONS)
            .map(|(_, i)| {
                let c = &self.categories[i];
                (c.code.clone(), c.label.clone())
            })
            .collect()
    }

    /// Checks `raw` against this vocabulary: a new code needs a label; a known code may only
    /// gain aliases (its label, parent and regulation are kept as they are, since stored
    /// records and exports rely on them). Every label and alias must name no other category,
    /// and a parent must exist.
    pub fn admit(&self, raw: &RawCategory) -> Result<Addition, Vec<FieldError>> {
        let mut e = Errors::default();
        let code = match raw.code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.push("code", "required", "code is required");
                None
            }
            Some(v) => e.take("code", CategoryCode::parse(v), |_| "format"),
        };
        let existing = code.as_ref().and_then(|c| self.get(c));
        let label = name(&mut e, "label", raw.label.as_deref());
        let aliases: Vec<String> = raw
            .aliases
            .iter()
            .flatten()
            .filter_map(|a| name(&mut e, "aliases", Some(a)).flatten())
            .fold(Vec::new(), |mut out, a| {
                if !out.iter().any(|o| normalise(o) == normalise(&a)) {
                    out.push(a);
                }
                out
            });
        let parent = match raw
            .parent
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(p) => match self.resolve(p) {
                Ok(c) => Some(c.code.clone()),
                Err(unknown) => {
                    e.push("parent", "unknown", unknown.to_string());
                    None
                }
            },
        };
        let regulation = match raw.regulation.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if r.chars().count() > REGULATION_MAX => {
                e.push(
                    "regulation",
                    "too_long",
                    format!("regulation has more than {REGULATION_MAX} characters"),
                );
                None
            }
            Some(r) => match check_text(r) {
                Ok(()) => Some(r.to_string()),
                Err(p) => {
                    e.push("regulation", p.code(), p.message("regulation"));
                    None
                }
            },
        };
        let Some(code) = code else {
            return Err(e.into_vec());
        };
        // Each name must be free, or already this category's.
        let own = |n: &str| {
            self.names
                .get(&normalise(n))
                .map(|&i| &self.categories[i].code)
        };
        let mut taken = |field: &str, n: &str| match own(n) {
            Some(other) if *other != code => e.push(
                field,
                "duplicate",
                format!("{n:?} already names the category {other}"),
            ),
            _ => {}
        };
        if let Some(Some(l)) = &label {
            taken("label", l);
        }
        for a in &aliases {
            taken("aliases", a);
        }
        match existing {
            None => {
                let label = match label {
                    Some(Some(l)) => Some(l),
                    Some(None) => {
                        e.push("label", "required", "label is required for a new category");
                        None
                    }
                    None => None,
                };
                match label {
                    Some(label) if e.is_empty() => Ok(Addition::New(Category {
                        aliases: aliases
                            .into_iter()
                            .filter(|a| normalise(a) != normalise(&label))
                            .collect(),
                        code,
                        label,
                        parent,
                        regulation,
                    })),
                    _ => Err(e.into_vec()),
                }
            }
            Some(c) => {
                if let Some(Some(l)) = &label {
                    if normalise(l) != normalise(&c.label) {
                        e.push(
                            "label",
                            "immutable",
                            format!(
                                "{} is labelled {:?}; a label is not changed (add {l:?} as an alias instead)",
                                c.code, c.label
                            ),
                        );
                    }
                }
                if parent.is_some() && parent != c.parent {
                    e.push(
                        "parent",
                        "immutable",
                        format!("the parent of {} is not changed", c.code),
                    );
                }
                if regulation.is_some() && regulation != c.regulation {
                    e.push(
                        "regulation",
                        "immutable",
                        format!("the regulation of {} is not changed", c.code),
                    );
                }
                if !e.is_empty() {
                    return Err(e.into_vec());
                }
                let new: Vec<String> = aliases.into_iter().filter(|a| own(a).is_none()).collect();
                Ok(if new.is_empty() {
                    Addition::Unchanged(c.code.clone())
                } else {
                    Addition::Aliases {
                        code: c.code.clone(),
                        aliases: new,
                    }
                })
            }
        }
    }
}

/// A label or an alias: trimmed, at most [`NAME_MAX`] characters, passing the text rule, and
/// not something that reads as a list (no separators, since files split lists on them).
fn name(e: &mut Errors, field: &str, value: Option<&str>) -> Option<Option<String>> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Some(None);
    }
    if let Err(p) = check_text(v) {
        e.push(field, p.code(), p.message(field));
        return None;
    }
    if v.chars().count() > NAME_MAX {
        e.push(
            field,
            "too_long",
            format!("{v:?} has more than {NAME_MAX} characters"),
        );
        return None;
    }
    if v.contains([';', '；', ',', '，', '、']) {
        e.push(
            field,
            "format",
            format!("{v:?} holds a list separator; give each name separately"),
        );
        return None;
    }
    Some(Some(v.to_string()))
}

/// 1.0 when one name holds the other (scaled by how much of the longer it covers, plus a bonus
/// so containment ranks first), otherwise the normalised edit similarity of the characters.
fn similarity(a: &str, b: &str) -> f64 {
    if b.is_empty() {
        return 0.0;
    }
    let (la, lb) = (a.chars().count() as f64, b.chars().count() as f64);
    if a.contains(b) || b.contains(a) {
        return 1.0 + la.min(lb) / la.max(lb);
    }
    strsim::normalized_levenshtein(a, b)
}

/// A small vocabulary for other modules' tests.
#[cfg(test)]
pub(crate) fn sample() -> Vocabulary {
    let c = |code: &str, label: &str, aliases: &[&str], parent: Option<&str>| Category {
        code: CategoryCode(code.into()),
        label: label.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        parent: parent.map(|p| CategoryCode(p.into())),
        regulation: None,
    };
    Vocabulary::new(vec![
        c("travel_agency", "旅行社", &[], None),
        c("entertainment_venue", "娱乐场所", &[], None),
        c(
            "song_dance_venue",
            "歌舞娱乐场所",
            &["KTV"],
            Some("entertainment_venue"),
        ),
        c(
            "internet_service_venue",
            "互联网上网服务营业场所",
            &["网吧"],
            None,
        ),
        c("other", "其他", &[], None),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(code: &str, label: &str, aliases: &[&str], parent: Option<&str>) -> Category {
        Category {
            code: CategoryCode::parse(code).unwrap(),
            label: label.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            parent: parent.map(|p| CategoryCode::parse(p).unwrap()),
            regulation: None,
        }
    }

    fn vocabulary() -> Vocabulary {
        Vocabulary::new(vec![
            cat("travel_agency", "旅行社", &[], None),
            cat("entertainment_venue", "娱乐场所", &[], None),
            cat(
                "song_dance_venue",
                "歌舞娱乐场所",
                &["KTV", "歌舞厅"],
                Some("entertainment_venue"),
            ),
            cat(
                "game_arcade_venue",
                "游艺娱乐场所",
                &["游艺厅"],
                Some("entertainment_venue"),
            ),
            cat(
                "performance_venue",
                "演出场所经营单位",
                &["演出场所", "营业性演出场所"],
                None,
            ),
            cat("antique_shop", "文物商店", &[], None),
            cat("other", "其他", &[], None),
        ])
    }

    fn code(s: &str) -> CategoryCode {
        CategoryCode::parse(s).unwrap()
    }

    #[test]
    fn codes_are_lower_case_ascii_words() {
        for ok in ["ab", "song_dance_venue", "a1", &"a".repeat(40)] {
            assert!(CategoryCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a",
            "",
            "1abc",
            "_ab",
            "Song",
            "歌舞",
            "a-b",
            "a b",
            &"a".repeat(41),
        ] {
            assert!(CategoryCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(code(" ab ").as_str(), "ab");
    }

    #[test]
    fn resolves_codes_labels_and_aliases_whatever_the_width_case_or_spacing() {
        let v = vocabulary();
        for input in [
            "song_dance_venue",
            "SONG_DANCE_VENUE",
            "歌舞娱乐场所",
            " 歌舞娱乐场所 ",
            "歌舞 娱乐场所",
            "KTV",
            "ktv",
            "ＫＴＶ",
            "歌舞厅",
        ] {
            assert_eq!(
                v.resolve(input).unwrap().code,
                code("song_dance_venue"),
                "{input}"
            );
        }
        assert_eq!(
            v.resolve("营业性演出场所").unwrap().code,
            code("performance_venue")
        );
        assert!(v.resolve("").is_err());
    }

    #[test]
    fn a_parent_filter_takes_in_its_sub_kinds_and_a_leaf_only_itself() {
        let v = vocabulary();
        assert_eq!(
            v.with_descendants(&code("entertainment_venue")),
            vec![
                code("entertainment_venue"),
                code("song_dance_venue"),
                code("game_arcade_venue")
            ]
        );
        assert_eq!(
            v.with_descendants(&code("song_dance_venue")),
            vec![code("song_dance_venue")]
        );
    }

    #[test]
    fn grandchildren_are_included_too() {
        let mut all = vocabulary().all().to_vec();
        all.push(cat("mini_ktv", "迷你歌咏亭", &[], Some("song_dance_venue")));
        let v = Vocabulary::new(all);
        assert!(v
            .with_descendants(&code("entertainment_venue"))
            .contains(&code("mini_ktv")));
    }

    #[test]
    fn an_unknown_value_is_named_with_the_closest_labels() {
        let v = vocabulary();
        let err = v.resolve("歌舞娱乐").unwrap_err();
        assert_eq!(err.value, "歌舞娱乐");
        assert_eq!(err.suggestions[0].0, code("song_dance_venue"));
        let message = err.to_string();
        assert!(message.contains("\"歌舞娱乐\""), "{message}");
        assert!(
            message.contains("歌舞娱乐场所 (song_dance_venue)"),
            "{message}"
        );

        let err = v.resolve("旅行社分社").unwrap_err();
        assert_eq!(err.suggestions[0].0, code("travel_agency"));

        let err = v.resolve("游戏娱乐场所").unwrap_err();
        let codes: Vec<&str> = err.suggestions.iter().map(|s| s.0.as_str()).collect();
        assert!(codes.contains(&"game_arcade_venue"), "{codes:?}");
        assert!(codes.len() <= SUGGESTIONS);
    }

    #[test]
    fn a_value_like_nothing_gets_no_suggestion_but_the_list() {
        let err = vocabulary().resolve("卖菜").unwrap_err();
        assert!(err.suggestions.is_empty());
        assert!(err.to_string().contains("/api/v1/public/categories"));
    }

    #[test]
    fn the_field_records_required_and_unknown() {
        let v = vocabulary();
        let mut e = Errors::default();
        assert_eq!(v.field(&mut e, "category", Some(" ")), None);
        assert_eq!(v.field(&mut e, "category", Some("卖菜")), None);
        assert_eq!(
            v.field(&mut e, "category", Some("文物商店")),
            Some(code("antique_shop"))
        );
        let codes: Vec<String> = e.into_vec().into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["required", "unknown"]);
    }

    fn raw(code: &str, label: Option<&str>, aliases: &[&str], parent: Option<&str>) -> RawCategory {
        RawCategory {
            code: Some(code.into()),
            label: label.map(Into::into),
            aliases: Some(aliases.iter().map(|a| a.to_string()).collect()),
            parent: parent.map(Into::into),
            regulation: None,
        }
    }

    fn error_codes(r: Result<Addition, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect()
    }

    #[test]
    fn a_new_category_needs_a_free_label_and_a_known_parent() {
        let v = vocabulary();
        let added = v
            .admit(&raw(
                "mini_ktv",
                Some("迷你KTV"),
                &["歌咏亭", "迷你ktv"],
                Some("歌舞娱乐场所"),
            ))
            .unwrap();
        assert_eq!(
            added,
            Addition::New(Category {
                code: code("mini_ktv"),
                label: "迷你KTV".into(),
                aliases: vec!["歌咏亭".into()],
                parent: Some(code("song_dance_venue")),
                regulation: None,
            })
        );
        assert_eq!(
            error_codes(v.admit(&raw("mini_ktv", None, &[], None))),
            [("label".into(), "required".into())]
        );
        assert_eq!(
            error_codes(v.admit(&raw("karaoke", Some("KTV"), &[], None))),
            [("label".into(), "duplicate".into())]
        );
        assert_eq!(
            error_codes(v.admit(&raw("karaoke", Some("卡拉OK"), &["旅行社"], Some("不存在")))),
            [
                ("parent".into(), "unknown".into()),
                ("aliases".into(), "duplicate".into())
            ]
        );
        assert_eq!(
            error_codes(v.admit(&raw("Bad Code", Some("x"), &[], None))),
            [("code".into(), "format".into())]
        );
        assert_eq!(
            error_codes(v.admit(&raw("listy", Some("甲、乙"), &[], None))),
            [("label".into(), "format".into())]
        );
    }

    #[test]
    fn a_known_category_only_gains_aliases() {
        let v = vocabulary();
        assert_eq!(
            v.admit(&raw("antique_shop", None, &["古玩店", "文物商店"], None))
                .unwrap(),
            Addition::Aliases {
                code: code("antique_shop"),
                aliases: vec!["古玩店".into()]
            }
        );
        assert_eq!(
            v.admit(&raw("antique_shop", Some("文物商店"), &["文物商店"], None))
                .unwrap(),
            Addition::Unchanged(code("antique_shop"))
        );
        assert_eq!(
            error_codes(v.admit(&raw("antique_shop", Some("古董店"), &[], None))),
            [("label".into(), "immutable".into())]
        );
        assert_eq!(
            error_codes(v.admit(&raw("antique_shop", None, &[], Some("other")))),
            [("parent".into(), "immutable".into())]
        );
        assert_eq!(
            error_codes(v.admit(&raw("antique_shop", None, &["KTV"], None))),
            [("aliases".into(), "duplicate".into())]
        );
    }
}
