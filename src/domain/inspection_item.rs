//! 随机抽查事项清单: one item of the random-inspection list (DESIGN §6, reference §3.5). Items
//! are versioned: a change makes a new version and the old ones stay readable, because the list
//! is "动态调整" and a plan must keep meaning what it meant when it was announced.

use chrono::NaiveDate;

use super::category::{CategoryCode, Vocabulary};
use super::entity::labelled_enum;
use super::field::{optional_text, parse_date, required_text, split_list, Errors, FieldError};
use super::private_data;

labelled_enum! {
    /// 事项类别: 一般 items have a limited ratio; 重点 items (safety, quality, public interest)
    /// have no upper limit (国市监信〔2019〕38号).
    ItemKind {
        General = "general", "一般" | "一般检查事项";
        Key = "key", "重点" | "重点检查事项";
    }
}

labelled_enum! {
    /// 抽查方式.
    Method {
        OnSite = "on_site", "实地检查" | "现场检查" | "实地";
        Documentary = "documentary", "书面检查" | "书面";
        Online = "online", "网络检查" | "网络监测" | "网络";
        Other = "other", "其他";
    }
}

/// An item's stable code (e.g. `internet_venue_daily`): 2–50 lower-case letters, digits or
/// `_`, starting with a letter. The shipped list is keyed by it, so a re-seed never duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct ItemCode(String);

impl ItemCode {
    pub fn parse(input: &str) -> Result<ItemCode, String> {
        let s = input.trim();
        if super::field::is_code(s, 50) {
            Ok(ItemCode(s.to_string()))
        } else {
            Err(format!(
                "{s:?} is not an item code: 2 to 50 lower-case letters, digits or _, starting with a letter"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One version of an item, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemVersion {
    pub item_id: i64,
    pub code: ItemCode,
    pub version: i32,
    /// The item's newest version number (this one is current when they are equal).
    pub current_version: i32,
    pub fields: ItemFields,
    pub created_at: chrono::NaiveDateTime,
    pub created_by: String,
}

/// An item's fields, as every version holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    /// 抽查领域, e.g. 旅游市场.
    pub field: String,
    /// 抽查事项.
    pub name: String,
    /// 检查内容.
    pub content: String,
    pub kind: ItemKind,
    /// 抽查依据: the legal citations.
    pub basis: String,
    /// 抽查主体.
    pub subject: String,
    /// 抽查对象: the entity categories a plan's population defaults to.
    pub categories: Vec<CategoryCode>,
    pub methods: Vec<Method>,
    /// 抽查比例 as the list writes it (e.g. 不低于10%).
    pub ratio: Option<String>,
    /// 抽查频次 (e.g. 每年不少于1次).
    pub frequency: Option<String>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// An item as it arrives (create, or a change laid over the current version).
#[derive(Debug, Clone, Default)]
pub struct RawItem {
    /// Only when the item is created; it never changes.
    pub code: Option<String>,
    pub field: Option<String>,
    pub name: Option<String>,
    pub content: Option<String>,
    pub kind: Option<String>,
    pub basis: Option<String>,
    pub subject: Option<String>,
    pub categories: Option<Vec<String>>,
    pub methods: Option<Vec<String>>,
    pub ratio: Option<String>,
    pub frequency: Option<String>,
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
}

impl ItemFields {
    /// New fields, or `raw` laid over `before` (absent fields keep their value). Every bad
    /// field is reported at once.
    pub fn parse(
        raw: &RawItem,
        before: Option<&ItemFields>,
        vocabulary: &Vocabulary,
    ) -> Result<ItemFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let text =
            |e: &mut Errors, name: &str, v: &Option<String>, old: Option<&String>, max| match (
                v, old,
            ) {
                (None, Some(o)) => Some(o.clone()),
                (v, _) => required_text(e, name, v.as_deref(), max),
            };
        let field = text(&mut e, "field", &raw.field, before.map(|b| &b.field), 50);
        let name = text(&mut e, "name", &raw.name, before.map(|b| &b.name), 100);
        let content = text(
            &mut e,
            "content",
            &raw.content,
            before.map(|b| &b.content),
            1000,
        );
        let basis = text(&mut e, "basis", &raw.basis, before.map(|b| &b.basis), 1000);
        let subject = text(
            &mut e,
            "subject",
            &raw.subject,
            before.map(|b| &b.subject),
            100,
        );
        let kind = match (&raw.kind, before) {
            (None, Some(b)) => Some(b.kind),
            (None, None) => {
                e.push(
                    "kind",
                    "required",
                    "kind (一般 general / 重点 key) is required",
                );
                None
            }
            (Some(k), _) => {
                let k = ItemKind::parse(k.trim());
                if k.is_none() {
                    e.push("kind", "unknown", "kind is general (一般) or key (重点)");
                }
                k
            }
        };
        let categories = match (&raw.categories, before) {
            (None, Some(b)) => Some(b.categories.clone()),
            (v, _) => {
                let values = v.clone().unwrap_or_default();
                let mut out: Vec<CategoryCode> = Vec::new();
                let mut ok = true;
                for value in values.iter().flat_map(|v| split_list(v)) {
                    match vocabulary.resolve(&value) {
                        Ok(c) if !out.contains(&c.code) => out.push(c.code.clone()),
                        Ok(_) => {}
                        Err(u) => {
                            e.push("categories", "unknown", u.to_string());
                            ok = false;
                        }
                    }
                }
                if ok && out.is_empty() {
                    e.push(
                        "categories",
                        "required",
                        "categories (the 抽查对象: entity categories) needs at least one",
                    );
                }
                ok.then_some(out)
            }
        };
        let methods = match (&raw.methods, before) {
            (None, Some(b)) => Some(b.methods.clone()),
            (v, _) => {
                let mut out: Vec<Method> = Vec::new();
                let mut ok = true;
                for value in v.iter().flatten().flat_map(|v| split_list(v)) {
                    match Method::parse(&value) {
                        Some(m) if !out.contains(&m) => out.push(m),
                        Some(_) => {}
                        None => {
                            e.push(
                                "methods",
                                "unknown",
                                format!(
                                    "{value:?} is no 抽查方式 (实地检查, 书面检查, 网络检查, 其他)"
                                ),
                            );
                            ok = false;
                        }
                    }
                }
                if ok && out.is_empty() {
                    out.push(Method::OnSite);
                }
                ok.then_some(out)
            }
        };
        let optional = |e: &mut Errors,
                        name: &str,
                        v: &Option<String>,
                        old: Option<&Option<String>>| match (v, old) {
            (None, Some(o)) => Some(o.clone()),
            (v, _) => optional_text(e, name, v.as_deref(), 100),
        };
        let ratio = optional(&mut e, "ratio", &raw.ratio, before.map(|b| &b.ratio));
        let frequency = optional(
            &mut e,
            "frequency",
            &raw.frequency,
            before.map(|b| &b.frequency),
        );
        let date = |e: &mut Errors, name: &str, v: &str| -> Option<NaiveDate> {
            let d = parse_date(v.trim());
            if d.is_none() {
                e.push(
                    name,
                    "format",
                    format!("{name} must be a date such as 2026-01-01"),
                );
            }
            d
        };
        let effective_from = match (&raw.effective_from, before) {
            (None, Some(b)) => Some(b.effective_from),
            (None, None) => {
                e.push("effective_from", "required", "effective_from is required");
                None
            }
            (Some(v), _) => date(&mut e, "effective_from", v),
        };
        let effective_to = match (&raw.effective_to, before) {
            (None, Some(b)) => Some(b.effective_to),
            (None, None) => Some(None),
            (Some(v), _) if v.trim().is_empty() => Some(None),
            (Some(v), _) => date(&mut e, "effective_to", v).map(Some),
        };
        if let (Some(from), Some(Some(to))) = (effective_from, effective_to) {
            if to < from {
                e.push(
                    "effective_to",
                    "before_start",
                    "effective_to is before effective_from",
                );
            }
        }
        // Every field that is None has recorded its error.
        let built = (|| {
            Some(ItemFields {
                field: field?,
                name: name?,
                content: content?,
                kind: kind?,
                basis: basis?,
                subject: subject?,
                categories: categories?,
                methods: methods?,
                ratio: ratio?,
                frequency: frequency?,
                effective_from: effective_from?,
                effective_to: effective_to?,
            })
        })();
        match built {
            Some(fields) if e.is_empty() => {
                let private = fields.private_in_public_text();
                if private.is_empty() {
                    Ok(fields)
                } else {
                    Err(private)
                }
            }
            _ => Err(e.into_vec()),
        }
    }

    /// The item's texts (everything in the list is public) that hold private data
    /// (`domain::private_data`).
    pub fn private_in_public_text(&self) -> Vec<FieldError> {
        let none = private_data::PartySecrets::default();
        [
            ("field", Some(&self.field)),
            ("name", Some(&self.name)),
            ("content", Some(&self.content)),
            ("basis", Some(&self.basis)),
            ("subject", Some(&self.subject)),
            ("ratio", self.ratio.as_ref()),
            ("frequency", self.frequency.as_ref()),
        ]
        .into_iter()
        .filter_map(|(field, text)| private_data::refusal(field, text?, &none))
        .collect()
    }

    /// Whether the item is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::category::Category;

    fn vocabulary() -> Vocabulary {
        let cat = |code: &str, label: &str, aliases: &[&str], parent: Option<&str>| Category {
            code: CategoryCode::parse(code).unwrap(),
            label: label.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            parent: parent.map(|p| CategoryCode::parse(p).unwrap()),
            regulation: None,
        };
        Vocabulary::new(vec![
            cat("entertainment_venue", "娱乐场所", &[], None),
            cat(
                "song_dance_venue",
                "歌舞娱乐场所",
                &["KTV"],
                Some("entertainment_venue"),
            ),
            cat(
                "internet_service_venue",
                "互联网上网服务营业场所",
                &["网吧"],
                None,
            ),
        ])
    }

    fn raw() -> RawItem {
        RawItem {
            code: None,
            field: Some("文化市场".into()),
            name: Some("娱乐场所经营活动检查".into()),
            content: Some("营业时间、未成年人保护".into()),
            kind: Some("重点".into()),
            basis: Some("《娱乐场所管理条例》".into()),
            subject: Some("文化市场综合执法机构".into()),
            categories: Some(vec!["娱乐场所".into(), "KTV;网吧".into()]),
            methods: Some(vec!["实地检查".into(), "书面".into()]),
            ratio: Some("不低于25%".into()),
            frequency: None,
            effective_from: Some("2024/01/01".into()),
            effective_to: None,
        }
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn labels_aliases_and_lists_in_one_cell_are_read_as_codes() {
        let f = ItemFields::parse(&raw(), None, &vocabulary()).unwrap();
        assert_eq!(f.kind, ItemKind::Key);
        assert_eq!(
            f.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            [
                "entertainment_venue",
                "song_dance_venue",
                "internet_service_venue"
            ]
        );
        assert_eq!(f.methods, [Method::OnSite, Method::Documentary]);
        assert_eq!(f.effective_from, "2024-01-01".parse().unwrap());
        assert_eq!(f.frequency, None);
        assert!(f.in_force_on("2024-01-01".parse().unwrap()));
        assert!(!f.in_force_on("2023-12-31".parse().unwrap()));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = RawItem {
            name: Some("  ".into()),
            kind: Some("普通".into()),
            categories: Some(vec!["歌舞".into()]),
            methods: Some(vec!["飞行检查".into()]),
            effective_from: Some("2024-02-30".into()),
            ..raw()
        };
        assert_eq!(
            codes(ItemFields::parse(&bad, None, &vocabulary()).unwrap_err()),
            [
                ("name".to_string(), "required".to_string()),
                ("kind".into(), "unknown".into()),
                ("categories".into(), "unknown".into()),
                ("methods".into(), "unknown".into()),
                ("effective_from".into(), "format".into()),
            ]
        );
        let none = RawItem {
            categories: Some(vec![]),
            kind: None,
            effective_from: None,
            ..raw()
        };
        assert_eq!(
            codes(ItemFields::parse(&none, None, &vocabulary()).unwrap_err()),
            [
                ("kind".to_string(), "required".to_string()),
                ("categories".into(), "required".into()),
                ("effective_from".into(), "required".into()),
            ]
        );
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name_and_an_end_before_the_start_is_refused() {
        let v = vocabulary();
        let before = ItemFields::parse(&raw(), None, &v).unwrap();
        let change = RawItem {
            ratio: Some("不低于30%".into()),
            effective_to: Some("2026-12-31".into()),
            ..RawItem::default()
        };
        let after = ItemFields::parse(&change, Some(&before), &v).unwrap();
        assert_eq!(after.ratio.as_deref(), Some("不低于30%"));
        assert_eq!(after.name, before.name);
        assert_eq!(after.categories, before.categories);
        assert!(after.in_force_on("2026-12-31".parse().unwrap()));
        assert!(!after.in_force_on("2027-01-01".parse().unwrap()));
        let backwards = RawItem {
            effective_to: Some("2023-12-31".into()),
            ..RawItem::default()
        };
        assert_eq!(
            codes(ItemFields::parse(&backwards, Some(&before), &v).unwrap_err()),
            [("effective_to".to_string(), "before_start".to_string())]
        );
        // An empty end removes it.
        let open = RawItem {
            effective_to: Some(String::new()),
            ..RawItem::default()
        };
        assert_eq!(
            ItemFields::parse(&open, Some(&after), &v)
                .unwrap()
                .effective_to,
            None
        );
    }
}
