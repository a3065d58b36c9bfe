//! 公民身份号码 (citizen identity number), GB 11643-1999. Private: never published (DESIGN §4).

use std::fmt;

use chrono::NaiveDate;

use super::text::fold_width;

/// 2^(18−i) mod 11 for i = 1..17 (ISO 7064 MOD 11-2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an identity number has 18 characters (or 15 for the old form), this has {0}")]
    Length(usize),
    #[error("character {character:?} at position {position} is not allowed there")]
    Character { position: usize, character: char },
    #[error("{0} is not a real birth date")]
    BirthDate(String),
    #[error("the birth date {0} is in the future")]
    FutureBirthDate(NaiveDate),
    #[error("the check character should be {expected}, not {found}")]
    Checksum { expected: char, found: char },
}

impl IdNumberError {
    /// The reason code: `length`, `character`, `birth_date` or `checksum`.
    pub fn reason(&self) -> &'static str {
        match self {
            IdNumberError::Length(_) => "length",
            IdNumberError::Character { .. } => "character",
            IdNumberError::BirthDate(_) | IdNumberError::FutureBirthDate(_) => "birth_date",
            IdNumberError::Checksum { .. } => "checksum",
        }
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            IdNumberError::Length(n) => {
                format!("公民身份号码应为 18 位（旧版为 15 位），此处为 {n} 位")
            }
            IdNumberError::Character {
                position,
                character,
            } => format!("第 {position} 位的“{character}”不能出现在公民身份号码的这个位置"),
            IdNumberError::BirthDate(d) => format!("{d} 不是真实的出生日期"),
            IdNumberError::FutureBirthDate(d) => format!("出生日期 {d} 晚于今天"),
            IdNumberError::Checksum { expected, found } => {
                format!("校验码应为 {expected}，而不是 {found}；请核对是否抄错")
            }
        }
    }
}

/// A valid 18-character identity number. The only way in is [`IdNumber::parse`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Trims, folds full-width characters, upper-cases `x`; accepts the 18-character form and
    /// the legacy 15-digit form (upgraded by inserting "19" and computing the check). `today`
    /// bounds the birth date.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let s: String = fold_width(input.trim()).to_uppercase();
        let chars: Vec<char> = s.chars().collect();
        let digits_needed = match chars.len() {
            18 => 17,
            15 => 15,
            n => return Err(IdNumberError::Length(n)),
        };
        for (i, &c) in chars.iter().enumerate() {
            let ok = if i < digits_needed {
                c.is_ascii_digit()
            } else {
                c.is_ascii_digit() || c == 'X'
            };
            if !ok {
                return Err(IdNumberError::Character {
                    position: i + 1,
                    character: c,
                });
            }
        }
        // Only ASCII digits (and a final X) from here on, so byte slicing is safe.
        let body: String = if chars.len() == 18 {
            s[..17].to_string()
        } else {
            format!("{}19{}", &s[..6], &s[6..])
        };
        let birth = &body[6..14];
        let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
            .map_err(|_| IdNumberError::BirthDate(birth.to_string()))?;
        if date > today {
            return Err(IdNumberError::FutureBirthDate(date));
        }
        let expected = check_character(&body);
        if chars.len() == 18 && chars[17] != expected {
            return Err(IdNumberError::Checksum {
                expected,
                found: chars[17],
            });
        }
        Ok(IdNumber(format!("{body}{expected}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The region code and the last four characters, the rest starred: enough to tell two
    /// people apart in an audit trail without keeping the whole number there.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// The check character of 17 digits.
/// The MOD 11-2 check character of the first 17 digits (for tools and synthetic data).
pub fn check_character(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

/// Never prints the number: debug output ends up in logs.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdNumber(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn the_standards_example_parses_with_its_x() {
        // The example of GB 11643-1999, verified by hand in reference §6.2.
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(
            IdNumber::parse(" 11010519491231002x ", today()).unwrap(),
            id
        );
        assert_eq!(
            IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ", today()).unwrap(),
            id
        );
    }

    #[test]
    fn the_legacy_fifteen_digit_form_is_upgraded() {
        assert_eq!(
            IdNumber::parse("110105491231002", today())
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
    }

    #[test]
    fn every_rejection_names_its_reason() {
        let cases = [
            ("", "length"),
            ("11010519491231002", "length"),
            ("11010519491231002XX", "length"),
            ("1101051949123100XX", "character"),
            ("X10105194912310021", "character"),
            ("11010519490230002X", "birth_date"), // 30 February
            ("11010519491331002X", "birth_date"), // month 13
            ("11010520270101002X", "birth_date"), // born after today
            ("110105491331002", "birth_date"),
            ("110105194912310021", "checksum"),
        ];
        for (input, reason) in cases {
            assert_eq!(
                IdNumber::parse(input, today()).unwrap_err().reason(),
                reason,
                "{input:?}"
            );
        }
    }

    #[test]
    fn born_today_is_accepted_and_tomorrow_is_not() {
        let body = "64010420261124001";
        let id = format!("{body}{}", check_character(body));
        assert!(IdNumber::parse(&id, today()).is_ok());
        let body = "64010420261125001";
        let id = format!("{body}{}", check_character(body));
        assert_eq!(
            IdNumber::parse(&id, today()).unwrap_err().reason(),
            "birth_date"
        );
    }

    #[test]
    fn any_single_digit_change_is_caught() {
        let good: Vec<char> = "11010519491231002X".chars().collect();
        for pos in 0..17 {
            for d in '0'..='9' {
                if d == good[pos] {
                    continue;
                }
                let mut c = good.clone();
                c[pos] = d;
                let s: String = c.iter().collect();
                assert!(IdNumber::parse(&s, today()).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn debug_output_hides_the_number_and_the_mask_hides_the_birth_date() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert!(!format!("{id:?}").contains("1101"));
        assert_eq!(id.masked(), "110105********002X");
    }
}
