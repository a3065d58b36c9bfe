//! Inspectors (执法检查人员) of the roster and their enforcement certificates (DESIGN §5).

use chrono::NaiveDate;

use super::category::{CategoryCode, Vocabulary};
use super::entity::{enum_field, labelled_enum};
use super::field::{required_text, split_list, Errors, FieldError};
use super::id_number::IdNumber;
use super::private_data;
use super::text::fold_width;

labelled_enum! {
    /// 状态 of an inspector on the roster.
    InspectorStatus {
        Active = "active", "在岗";
        Suspended = "suspended", "停用" | "暂停";
        Retired = "retired", "离岗" | "调离" | "退休";
    }
}

/// 执法证号: the enforcement certificate number, unique on the roster. Letters, digits and
/// hyphens, 4 to 32 of them, upper-cased after folding full-width forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CertificateNo(String);

impl CertificateNo {
    pub fn parse(input: &str) -> Result<CertificateNo, String> {
        let s = fold_width(input.trim()).to_uppercase();
        let n = s.chars().count();
        if !(4..=32).contains(&n) {
            return Err(format!(
                "a certificate number has 4 to 32 characters, this has {n}"
            ));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            return Err(format!(
                "character {c:?} is not allowed in a certificate number"
            ));
        }
        Ok(CertificateNo(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 联系电话: digits with an optional leading `+` and inner hyphens or spaces, 7 to 20 digits.
pub fn parse_phone(input: &str) -> Result<String, String> {
    let s = fold_width(input.trim());
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let shape_ok = s
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (i == 0 && c == '+'));
    if shape_ok && (7..=20).contains(&digits) {
        Ok(s)
    } else {
        Err(format!("{s:?} is not a telephone number"))
    }
}

/// Every field of an inspector as it arrives, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawInspector {
    pub name: Option<String>,
    pub certificate_no: Option<String>,
    pub certificate_valid_from: Option<String>,
    pub certificate_valid_to: Option<String>,
    pub unit: Option<String>,
    pub fields: Option<Vec<String>>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub status: Option<String>,
}

/// A phone number as audit trails keep it: the last four digits, e.g. `****1234`.
pub fn mask_phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

/// A valid inspector's fields. `id_number` and `phone` are private (staff API only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectorFields {
    pub name: String,
    pub certificate_no: CertificateNo,
    pub certificate_valid_from: NaiveDate,
    pub certificate_valid_to: NaiveDate,
    pub unit: String,
    /// The categories of entity the inspector is assigned to check (执法领域).
    pub fields: Vec<CategoryCode>,
    pub id_number: Option<IdNumber>,
    pub phone: Option<String>,
    pub status: InspectorStatus,
}

/// An inspector as the roster holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectorRecord {
    pub id: i64,
    pub fields: InspectorFields,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A declared conflict of interest (回避): with one entity, or with a whole category of entities.
/// Removal keeps the record, with who removed it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub id: i64,
    pub inspector_id: i64,
    pub credit_code: Option<String>,
    pub category: Option<String>,
    pub reason: String,
    pub declared_at: chrono::NaiveDateTime,
    pub declared_by: String,
    pub removed_at: Option<chrono::NaiveDateTime>,
    pub removed_by: Option<String>,
    pub removal_reason: Option<String>,
}

impl InspectorFields {
    /// Parses every field and reports every invalid one; `fields` are resolved against the
    /// `categories` vocabulary. `today` bounds birth dates in ID numbers. A missing status is
    /// active.
    pub fn parse(
        raw: &RawInspector,
        categories: &Vocabulary,
        today: NaiveDate,
    ) -> Result<InspectorFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = required_text(&mut e, "name", raw.name.as_deref(), 50);
        let certificate_no = match present(&raw.certificate_no) {
            None => {
                e.push("certificate_no", "required", "certificate_no is required");
                None
            }
            Some(v) => e.take("certificate_no", CertificateNo::parse(v), |_| "format"),
        };
        let from = date_field(
            &mut e,
            "certificate_valid_from",
            &raw.certificate_valid_from,
        );
        let to = date_field(&mut e, "certificate_valid_to", &raw.certificate_valid_to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.push(
                    "certificate_valid_to",
                    "range",
                    format!("the certificate cannot expire ({t}) before it is valid ({f})"),
                );
            }
        }
        let unit = required_text(&mut e, "unit", raw.unit.as_deref(), 100);
        let joined = raw.fields.as_ref().map(|v| v.join(";")).unwrap_or_default();
        let mut fields = Vec::new();
        for item in split_list(&joined) {
            if let Some(c) = categories.field(&mut e, "fields", Some(&item)) {
                if !fields.contains(&c) {
                    fields.push(c);
                }
            }
        }
        let id_number = match present(&raw.id_number) {
            None => Some(None),
            Some(v) => e
                .take_said(
                    "id_number",
                    IdNumber::parse(v, today),
                    |err| err.reason(),
                    |err| err.zh(),
                )
                .map(Some),
        };
        let phone = match present(&raw.phone) {
            None => Some(None),
            Some(v) => e.take("phone", parse_phone(v), |_| "format").map(Some),
        };
        let status = match present(&raw.status) {
            None => Some(InspectorStatus::Active),
            Some(v) => enum_field(
                &mut e,
                "status",
                v,
                InspectorStatus::parse,
                InspectorStatus::expected,
            ),
        };
        match (
            name,
            certificate_no,
            from,
            to,
            unit,
            id_number,
            phone,
            status,
        ) {
            (
                Some(name),
                Some(certificate_no),
                Some(from),
                Some(to),
                Some(unit),
                Some(id_number),
                Some(phone),
                Some(status),
            ) if e.is_empty() => {
                let fields = InspectorFields {
                    name,
                    certificate_no,
                    certificate_valid_from: from,
                    certificate_valid_to: to,
                    unit,
                    fields,
                    id_number,
                    phone,
                    status,
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

    /// The fields the public roster shows as written (name, unit) that hold private data
    /// (`domain::private_data`).
    pub fn private_in_public_text(&self) -> Vec<FieldError> {
        let none = private_data::PartySecrets::default();
        [("name", &self.name), ("unit", &self.unit)]
            .into_iter()
            .filter_map(|(field, text)| private_data::refusal(field, text, &none))
            .collect()
    }

    /// Whether the certificate is valid on `day` and the inspector is on duty.
    pub fn may_inspect_on(&self, day: NaiveDate) -> bool {
        self.duty_on(day) == Duty::OnDuty
    }

    /// Where the inspector stands on `day`, as the public roster shows it (issue 26): on duty
    /// (在岗) only when the roster says so and the certificate is valid that day.
    pub fn duty_on(&self, day: NaiveDate) -> Duty {
        match self.status {
            InspectorStatus::Suspended => Duty::Suspended,
            InspectorStatus::Retired => Duty::Retired,
            InspectorStatus::Active if day < self.certificate_valid_from => Duty::NotYetValid,
            InspectorStatus::Active if day > self.certificate_valid_to => Duty::Expired,
            InspectorStatus::Active => Duty::OnDuty,
        }
    }
}

impl InspectorFields {
    /// Days from `day` to the certificate's last valid day, when it is in force that day and
    /// ends within `within` days (0: its last day is today): what the roster flags as 即将到期.
    pub fn expires_within(&self, day: NaiveDate, within: i64) -> Option<i64> {
        let left = (self.certificate_valid_to - day).num_days();
        (self.duty_on(day) == Duty::OnDuty && left <= within).then_some(left)
    }
}

/// An inspector's standing on a day: the roster's status and the certificate's validity in one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    OnDuty,
    /// 在岗 on the roster, but the certificate expired before the day.
    Expired,
    /// 在岗 on the roster, but the certificate is valid only from a later day.
    NotYetValid,
    Suspended,
    Retired,
}

impl Duty {
    pub fn code(self) -> &'static str {
        match self {
            Duty::OnDuty => "on_duty",
            Duty::Expired => "certificate_expired",
            Duty::NotYetValid => "certificate_not_yet_valid",
            Duty::Suspended => "suspended",
            Duty::Retired => "retired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Duty::OnDuty => "在岗",
            Duty::Expired => "执法证已过期",
            Duty::NotYetValid => "执法证尚未生效",
            Duty::Suspended => InspectorStatus::Suspended.label(),
            Duty::Retired => InspectorStatus::Retired.label(),
        }
    }
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A required ISO date; also accepts `2026/3/1` and `2026.03.01`, as spreadsheets write them.
fn date_field(e: &mut Errors, field: &str, v: &Option<String>) -> Option<NaiveDate> {
    let Some(s) = present(v) else {
        e.push(field, "required", format!("{field} is required"));
        return None;
    };
    let parsed = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok());
    if parsed.is_none() {
        e.push(
            field,
            "date",
            format!("{s:?} is not a date such as 2026-03-01"),
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::category::sample;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn raw() -> RawInspector {
        RawInspector {
            name: Some("张伟".into()),
            certificate_no: Some("６４０１００２０２６０００１".into()),
            certificate_valid_from: Some("2024/1/1".into()),
            certificate_valid_to: Some("2028-12-31".into()),
            unit: Some("银川市文化市场综合执法支队".into()),
            fields: Some(vec!["网吧；旅行社".into()]),
            id_number: Some("11010519491231002x".into()),
            phone: Some("138-0000-1234".into()),
            status: None,
        }
    }

    #[test]
    fn a_full_record_parses_and_normalises() {
        let f = InspectorFields::parse(&raw(), &sample(), today()).unwrap();
        assert_eq!(f.certificate_no.as_str(), "64010020260001");
        let fields: Vec<&str> = f.fields.iter().map(CategoryCode::as_str).collect();
        assert_eq!(fields, ["internet_service_venue", "travel_agency"]);
        assert_eq!(f.id_number.unwrap().as_str(), "11010519491231002X");
        assert_eq!(f.status, InspectorStatus::Active);
    }

    /// 即将到期: from 30 days before the last valid day through that day; not once expired,
    /// nor for a suspended or retired inspector.
    #[test]
    fn a_certificate_is_flagged_in_its_last_thirty_days_only() {
        let f = InspectorFields::parse(&raw(), &sample(), today()).unwrap();
        let last = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
        let day = |n: i64| last - chrono::Duration::days(n);
        assert_eq!(f.expires_within(day(31), 30), None);
        assert_eq!(f.expires_within(day(30), 30), Some(30));
        assert_eq!(f.expires_within(day(0), 30), Some(0));
        assert_eq!(
            f.expires_within(day(-1), 30),
            None,
            "expired: shown as such"
        );
        let mut retired = f.clone();
        retired.status = InspectorStatus::Retired;
        assert_eq!(retired.expires_within(day(5), 30), None);
    }

    #[test]
    fn every_bad_field_is_reported_together() {
        let bad = RawInspector {
            name: None,
            certificate_no: Some("证".into()),
            certificate_valid_from: Some("2028-01-01".into()),
            certificate_valid_to: Some("2024-01-01".into()),
            unit: Some("u".into()),
            fields: Some(vec!["卖菜".into()]),
            id_number: Some("110105194912310021".into()),
            phone: Some("call me".into()),
            status: Some("休假".into()),
        };
        let got: Vec<(String, String)> = InspectorFields::parse(&bad, &sample(), today())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        let want = [
            ("name", "required"),
            ("certificate_no", "format"),
            ("certificate_valid_to", "range"),
            ("fields", "unknown"),
            ("id_number", "checksum"),
            ("phone", "format"),
            ("status", "unknown"),
        ];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn certificate_validity_bounds_are_inclusive() {
        let f = InspectorFields::parse(&raw(), &sample(), today()).unwrap();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(!f.may_inspect_on(d(2023, 12, 31)));
        assert!(f.may_inspect_on(d(2024, 1, 1)));
        assert!(f.may_inspect_on(d(2028, 12, 31)));
        assert!(!f.may_inspect_on(d(2029, 1, 1)));
    }

    /// The public roster never shows 在岗 for a certificate not valid that day (issue 26).
    #[test]
    fn on_duty_needs_a_certificate_valid_that_day() {
        let f = InspectorFields::parse(&raw(), &sample(), today()).unwrap();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(f.duty_on(d(2023, 12, 31)), Duty::NotYetValid);
        assert_eq!(f.duty_on(d(2024, 1, 1)), Duty::OnDuty);
        assert_eq!(f.duty_on(d(2028, 12, 31)), Duty::OnDuty);
        assert_eq!(f.duty_on(d(2029, 1, 1)), Duty::Expired);
        assert_eq!(Duty::Expired.label(), "执法证已过期");
        for (status, duty) in [
            (InspectorStatus::Suspended, Duty::Suspended),
            (InspectorStatus::Retired, Duty::Retired),
        ] {
            let g = InspectorFields {
                status,
                ..f.clone()
            };
            assert_eq!(g.duty_on(d(2025, 1, 1)), duty);
            assert_eq!(
                g.duty_on(d(2030, 1, 1)),
                duty,
                "the roster's status comes first"
            );
        }
    }
}
