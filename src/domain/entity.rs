//! Market entities (市场主体) of the directory (DESIGN §5).

use super::category::{CategoryCode, Vocabulary};
use super::credit_code::CreditCode;
use super::field::{optional_text, required_text, split_list, Errors, FieldError};
use super::private_data;

/// Generates an enum of stable English codes with their Chinese labels and accepted aliases.
macro_rules! labelled_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $label:literal $(| $alias:literal)*;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable English code used in the API and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label staff see and CSV files carry.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the code, the label or a common alias, ignoring surrounding space.
            pub fn parse(input: &str) -> Option<$name> {
                let s = input.trim();
                $(if s.eq_ignore_ascii_case($code) || s == $label $(|| s == $alias)* {
                    return Some($name::$variant);
                })+
                None
            }

            /// The accepted values, for error messages.
            pub fn expected() -> String {
                let all: Vec<String> = Self::ALL
                    .iter()
                    .map(|v| format!("{} ({})", v.code(), v.label()))
                    .collect();
                all.join(", ")
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}
pub(crate) use labelled_enum;

labelled_enum! {
    /// 主体类型.
    EntityKind {
        Organization = "organization", "法人及非法人组织" | "法人" | "非法人组织";
        IndividualBusiness = "individual_business", "个体工商户" | "个体户";
        NaturalPerson = "natural_person", "自然人";
    }
}

labelled_enum! {
    /// 登记状态. Entities are deregistered, never deleted.
    EntityStatus {
        Active = "active", "存续" | "在业" | "开业";
        Deregistered = "deregistered", "注销" | "吊销";
    }
}

/// 所在地区: a six-digit administrative division code (GB/T 2260), e.g. 640104 兴庆区.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct DistrictCode(String);

impl DistrictCode {
    pub fn parse(input: &str) -> Result<DistrictCode, String> {
        let s = super::text::fold_width(input.trim());
        if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with("00") {
            Ok(DistrictCode(s))
        } else {
            Err(format!(
                "{s:?} is not a six-digit administrative division code such as 640104"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Every field of an entity as it arrives (JSON or a CSV row), before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawEntity {
    pub credit_code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub district: Option<String>,
    pub address: Option<String>,
    pub legal_representative: Option<String>,
    pub licence_numbers: Option<Vec<String>>,
    pub status: Option<String>,
    pub risk_tags: Option<Vec<String>>,
}

/// A valid entity's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityFields {
    pub credit_code: CreditCode,
    pub name: String,
    pub kind: EntityKind,
    pub category: CategoryCode,
    pub district: DistrictCode,
    pub address: Option<String>,
    pub legal_representative: Option<String>,
    pub licence_numbers: Vec<String>,
    pub status: EntityStatus,
    pub risk_tags: Vec<String>,
}

/// An entity as the directory holds it: its fields, its id (the order it entered the
/// directory), the version a change must name, and when it was created and last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRecord {
    pub id: i64,
    pub fields: EntityFields,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl EntityFields {
    /// Parses every field and reports every invalid one; the category is resolved against the
    /// `categories` vocabulary. A missing `kind` follows the credit code (category 92 is an
    /// 个体工商户); a missing `status` is active.
    pub fn parse(
        raw: &RawEntity,
        categories: &Vocabulary,
    ) -> Result<EntityFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let credit_code = match raw.credit_code.as_deref().map(str::trim) {
            None | Some("") => {
                e.push("credit_code", "required", "credit_code is required");
                None
            }
            Some(v) => e.take_said(
                "credit_code",
                CreditCode::parse(v),
                |err| err.reason(),
                |err| err.zh(),
            ),
        };
        let name = required_text(&mut e, "name", raw.name.as_deref(), 200);
        let kind = match raw.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => credit_code.as_ref().map(|c| {
                if c.is_individual_business() {
                    EntityKind::IndividualBusiness
                } else {
                    EntityKind::Organization
                }
            }),
            Some(v) => enum_field(&mut e, "kind", v, EntityKind::parse, EntityKind::expected),
        };
        let category = categories.field(&mut e, "category", raw.category.as_deref());
        let district = match raw
            .district
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                e.push("district", "required", "district is required");
                None
            }
            Some(v) => e.take("district", DistrictCode::parse(v), |_| "format"),
        };
        let address = optional_text(&mut e, "address", raw.address.as_deref(), 300);
        let legal_representative = optional_text(
            &mut e,
            "legal_representative",
            raw.legal_representative.as_deref(),
            100,
        );
        let status = match raw
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(EntityStatus::Active),
            Some(v) => enum_field(
                &mut e,
                "status",
                v,
                EntityStatus::parse,
                EntityStatus::expected,
            ),
        };
        let licence_numbers = list_field(
            &mut e,
            "licence_numbers",
            raw.licence_numbers.as_deref(),
            60,
        );
        let risk_tags = list_field(&mut e, "risk_tags", raw.risk_tags.as_deref(), 30);
        match (
            credit_code,
            name,
            kind,
            category,
            district,
            address,
            legal_representative,
            status,
        ) {
            (
                Some(credit_code),
                Some(name),
                Some(kind),
                Some(category),
                Some(district),
                Some(address),
                Some(legal_representative),
                Some(status),
            ) if e.is_empty() => {
                let fields = EntityFields {
                    credit_code,
                    name,
                    kind,
                    category,
                    district,
                    address,
                    legal_representative,
                    licence_numbers,
                    status,
                    risk_tags,
                };
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

    /// The fields the public directory shows as written that hold private data
    /// (`domain::private_data`): the name, and unless the entity is a natural person (whose
    /// address and name fields are not shown) the address and legal representative; the licence
    /// numbers without the legacy 15-digit ID rule (a 注册号 is what they rightly hold).
    pub fn private_in_public_text(&self) -> Vec<FieldError> {
        let none = private_data::PartySecrets::default();
        let shown = self.kind != EntityKind::NaturalPerson;
        let mut out: Vec<FieldError> = [
            ("name", Some(self.name.as_str())),
            ("address", self.address.as_deref().filter(|_| shown)),
            (
                "legal_representative",
                self.legal_representative.as_deref().filter(|_| shown),
            ),
        ]
        .into_iter()
        .filter_map(|(field, text)| private_data::refusal(field, text?, &none))
        .collect();
        out.extend(
            self.licence_numbers
                .iter()
                .find_map(|l| private_data::refusal_in_licence("licence_numbers", l, &none)),
        );
        out
    }
}

/// Parses an enum field, recording `unknown` with the accepted values when it does not parse.
pub fn enum_field<T>(
    e: &mut Errors,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: impl Fn() -> String,
) -> Option<T> {
    let parsed = parse(value);
    if parsed.is_none() {
        e.push(
            field,
            "unknown",
            format!(
                "{value:?} is not a known {field}; expected one of {}",
                expected()
            ),
        );
    }
    parsed
}

/// A list of short texts: each trimmed, blank dropped, duplicates once, each at most `max`.
pub fn list_field(
    e: &mut Errors,
    field: &str,
    value: Option<&[String]>,
    max: usize,
) -> Vec<String> {
    let joined = value.map(|v| v.join(";")).unwrap_or_default();
    let items = split_list(&joined);
    for item in &items {
        if item.chars().count() > max {
            e.push(
                field,
                "format",
                format!("{field} item {item:?} is longer than {max} characters"),
            );
        } else if let Err(p) = super::field::check_text(item) {
            e.push(
                field,
                p.code(),
                format!("{} (item {item:?})", p.message(field)),
            );
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &RawEntity) -> Result<EntityFields, Vec<FieldError>> {
        EntityFields::parse(raw, &crate::domain::category::sample())
    }

    fn raw() -> RawEntity {
        RawEntity {
            credit_code: Some("91230500MA1B3N1N2M".into()),
            name: Some("银川星光网吧".into()),
            category: Some("网吧".into()),
            district: Some("640104".into()),
            ..RawEntity::default()
        }
    }

    #[test]
    fn a_minimal_entity_gets_its_defaults() {
        let f = parse(&raw()).unwrap();
        assert_eq!(f.kind, EntityKind::Organization);
        assert_eq!(f.category.as_str(), "internet_service_venue");
        assert_eq!(f.status, EntityStatus::Active);
        assert!(f.licence_numbers.is_empty());
    }

    #[test]
    fn labels_and_aliases_of_kinds_and_statuses_parse() {
        assert_eq!(
            EntityStatus::parse(" 注销 "),
            Some(EntityStatus::Deregistered)
        );
        assert_eq!(
            EntityKind::parse("个体工商户"),
            Some(EntityKind::IndividualBusiness)
        );
    }

    #[test]
    fn every_bad_field_is_reported_together() {
        let bad = RawEntity {
            credit_code: Some("91230500MA1B3N1N2N".into()),
            name: Some(" ".into()),
            kind: Some("公司".into()),
            category: Some("卖菜".into()),
            district: Some("6401".into()),
            status: Some("休眠".into()),
            ..RawEntity::default()
        };
        let errors = parse(&bad).unwrap_err();
        let got: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("credit_code", "checksum"),
                ("name", "required"),
                ("kind", "unknown"),
                ("category", "unknown"),
                ("district", "format"),
                ("status", "unknown"),
            ]
        );
    }

    #[test]
    fn an_individual_business_code_makes_an_individual_business() {
        let mut r = raw();
        // 92 640104 + organisation code, with its check character
        let prefix = "92640104MA1B3N1N2";
        let check = crate::domain::credit_code::check_character_for(prefix).unwrap();
        r.credit_code = Some(format!("{prefix}{check}"));
        assert_eq!(parse(&r).unwrap().kind, EntityKind::IndividualBusiness);
    }

    #[test]
    fn lists_are_split_and_checked() {
        let mut r = raw();
        r.licence_numbers = Some(vec!["L-1；L-2".into(), "L-1".into()]);
        assert_eq!(parse(&r).unwrap().licence_numbers, vec!["L-1", "L-2"]);
        r.risk_tags = Some(vec!["x".repeat(31)]);
        assert_eq!(parse(&r).unwrap_err()[0].field, "risk_tags");
    }
}
