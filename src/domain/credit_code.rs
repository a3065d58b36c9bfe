//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters: registration authority (1), organisation category (1), region code per
//! GB/T 2260 (6 digits), the GB 11714 organisation code (9), and a mod-31 check character.

use std::fmt;

use super::text::fold_width;

/// The 31 characters a code may use, in value order (no I, O, Z, S, V).
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Each ASCII character's value (its place in [`CHARSET`]), or `u8::MAX` outside the set.
const VALUE_OF: [u8; 128] = {
    let mut table = [u8::MAX; 128];
    let set = CHARSET.as_bytes();
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// 3^(i−1) mod 31 for i = 1..17 (GB 32100-2015 §5).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A registration authority (登记管理部门): its code, name, and the categories (机构类别) it
/// may issue, each as (code, name).
type Authority = (char, &'static str, &'static [(char, &'static str)]);

/// The standard's table (reference §6.1).
const AUTHORITIES: &[Authority] = &[
    (
        '1',
        "机构编制",
        &[
            ('1', "机关"),
            ('2', "事业单位"),
            ('3', "编办直接管理机构编制的群众团体"),
            ('9', "其他"),
        ],
    ),
    ('2', "外交", &[('1', "外国常驻新闻机构"), ('9', "其他")]),
    (
        '3',
        "司法行政",
        &[
            ('1', "律师执业机构"),
            ('2', "公证处"),
            ('3', "基层法律服务所"),
            ('4', "司法鉴定机构"),
            ('5', "仲裁委员会"),
            ('9', "其他"),
        ],
    ),
    ('4', "文化", &[('1', "外国在华文化中心"), ('9', "其他")]),
    (
        '5',
        "民政",
        &[
            ('1', "社会团体"),
            ('2', "民办非企业单位"),
            ('3', "基金会"),
            ('9', "其他"),
        ],
    ),
    (
        '6',
        "旅游",
        &[
            ('1', "外国旅游部门常驻代表机构"),
            ('2', "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            ('9', "其他"),
        ],
    ),
    (
        '7',
        "宗教",
        &[('1', "宗教活动场所"), ('2', "宗教院校"), ('9', "其他")],
    ),
    ('8', "工会", &[('1', "基层工会"), ('9', "其他")]),
    (
        '9',
        "工商",
        &[('1', "企业"), ('2', "个体工商户"), ('3', "农民专业合作社")],
    ),
    (
        'A',
        "中央军委改革和编制办公室",
        &[('1', "军队事业单位"), ('9', "其他")],
    ),
    (
        'N',
        "农业",
        &[
            ('1', "组级集体经济组织"),
            ('2', "村级集体经济组织"),
            ('3', "乡镇级集体经济组织"),
            ('9', "其他"),
        ],
    ),
    ('Y', "其他", &[('1', "其他")]),
];

/// Why an input is not a credit code. Each reason has a stable code for API clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a credit code has 18 characters, this has {0}")]
    Length(usize),
    #[error("character {character:?} at position {position} is not allowed there")]
    Character { position: usize, character: char },
    #[error("{0:?} is not a registration-authority and category pair of GB 32100-2015")]
    Category(String),
    #[error("the check character should be {expected}, not {found}")]
    Checksum { expected: char, found: char },
}

impl CreditCodeError {
    /// The reason code: `length`, `character`, `category` or `checksum`.
    pub fn reason(&self) -> &'static str {
        match self {
            CreditCodeError::Length(_) => "length",
            CreditCodeError::Character { .. } => "character",
            CreditCodeError::Category(_) => "category",
            CreditCodeError::Checksum { .. } => "checksum",
        }
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            CreditCodeError::Length(n) => {
                format!("统一社会信用代码应为 18 位，此处为 {n} 位")
            }
            CreditCodeError::Character {
                position,
                character,
            } => format!("第 {position} 位的“{character}”不能出现在统一社会信用代码的这个位置"),
            CreditCodeError::Category(pair) => {
                format!("“{pair}”不是 GB 32100-2015 规定的登记管理部门和机构类别代码")
            }
            CreditCodeError::Checksum { expected, found } => {
                format!("校验码应为 {expected}，而不是 {found}；请核对是否抄错")
            }
        }
    }
}

/// A valid, normalised credit code. The only way in is [`CreditCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Normalises (trim, full-width → half-width, drop spaces and hyphens, upper-case), then
    /// checks length, characters, the authority/category pair and the check character.
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        // Already in normal form (every stored code, most typed ones): normalising would return
        // it unchanged, so it is checked as it is (a public page reads back dozens of codes).
        if input.len() == 18 && input.chars().all(|c| value_of(c).is_some()) {
            return Self::check(input.to_string());
        }
        Self::check(normalize(input))
    }

    /// Checks a normalised code.
    fn check(code: String) -> Result<CreditCode, CreditCodeError> {
        let count = code.chars().count();
        if count != 18 {
            return Err(CreditCodeError::Length(count));
        }
        let mut chars = ['\0'; 18];
        for (slot, c) in chars.iter_mut().zip(code.chars()) {
            *slot = c;
        }
        let mut values = [0u32; 18];
        for (i, &c) in chars.iter().enumerate() {
            let allowed = if (2..8).contains(&i) {
                c.is_ascii_digit()
            } else {
                value_of(c).is_some()
            };
            if !allowed {
                return Err(CreditCodeError::Character {
                    position: i + 1,
                    character: c,
                });
            }
            values[i] = value(c);
        }
        if category_of(chars[0], chars[1]).is_none() {
            return Err(CreditCodeError::Category(code[..2].to_string()));
        }
        let expected = check_character(&values[..17]);
        if chars[17] != expected {
            return Err(CreditCodeError::Checksum {
                expected,
                found: chars[17],
            });
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门, e.g. "工商".
    pub fn registration_authority(&self) -> &'static str {
        let b = self.0.as_bytes();
        authority(b[0] as char).map(|a| a.1).unwrap_or("")
    }

    /// 机构类别, e.g. "企业".
    pub fn category(&self) -> &'static str {
        let b = self.0.as_bytes();
        category_of(b[0] as char, b[1] as char).unwrap_or("")
    }

    /// 登记管理机关行政区划码 (positions 3–8), e.g. "640100".
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Whether the code belongs to an 个体工商户 (category 92).
    pub fn is_individual_business(&self) -> bool {
        self.0.starts_with("92")
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What [`CreditCode::parse`] compares: trimmed, half-width, no spaces or hyphens, upper-case.
pub fn normalize(input: &str) -> String {
    fold_width(input.trim())
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// The check character for the first 17 character values.
fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let index = (31 - sum % 31) % 31;
    CHARSET.as_bytes()[index as usize] as char
}

/// The check character a 17-character prefix needs, for generators and error messages.
/// `None` when the prefix has the wrong length or a character outside the set.
pub fn check_character_for(prefix: &str) -> Option<char> {
    let values: Vec<u32> = prefix.chars().map(value_of).collect::<Option<_>>()?;
    (values.len() == 17).then(|| check_character(&values))
}

fn value(c: char) -> u32 {
    value_of(c).unwrap_or(0)
}

fn value_of(c: char) -> Option<u32> {
    let v = *VALUE_OF.get(c as usize)?;
    (v != u8::MAX).then_some(v as u32)
}

fn authority(code: char) -> Option<&'static Authority> {
    AUTHORITIES.iter().find(|a| a.0 == code)
}

fn category_of(authority_code: char, category_code: char) -> Option<&'static str> {
    authority(authority_code)?
        .2
        .iter()
        .find(|c| c.0 == category_code)
        .map(|c| c.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real codes whose check characters the reference verified by hand (§6.1).
    const REAL: [&str; 2] = ["91230500MA1B3N1N2M", "11230500001755309F"];

    #[test]
    fn real_codes_parse_and_describe_themselves() {
        let c = CreditCode::parse(REAL[0]).unwrap();
        assert_eq!(c.registration_authority(), "工商");
        assert_eq!(c.category(), "企业");
        assert_eq!(c.region_code(), "230500");
        let c = CreditCode::parse(REAL[1]).unwrap();
        assert_eq!(c.category(), "机关");
    }

    #[test]
    fn input_is_normalised_before_parsing() {
        for input in [
            " 91230500MA1B3N1N2M ",
            "91230500ma1b3n1n2m",
            "９１２３０５００ＭＡ１Ｂ３Ｎ１Ｎ２Ｍ",
            "9123-0500-MA1B-3N1N-2M",
            "91230500 MA1B3N1N2M\t",
            "91230500MA1B3N1N2M\u{3000}",
        ] {
            assert_eq!(
                CreditCode::parse(input).map(|c| c.to_string()),
                Ok(REAL[0].to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn every_rejection_names_its_reason() {
        let cases = [
            ("", "length"),
            ("91230500MA1B3N1N2", "length"),
            ("91230500MA1B3N1N2MM", "length"),
            ("91230500MA1B3N1NIM", "character"), // I is not in the set
            ("91230500MA1B3N1NOM", "character"), // O
            ("91230500MA1B3N1NZM", "character"), // Z
            ("91230500MA1B3N1NSM", "character"), // S
            ("91230500MA1B3N1NVM", "character"), // V
            ("9123A500MA1B3N1N2M", "character"), // region code must be digits
            ("91230500MA1B3N1N2中", "character"), // a CJK character
            ("94230500MA1B3N1N2M", "category"),  // 工商 has no category 4
            ("B1230500MA1B3N1N2M", "category"),  // no authority B
            ("Y2230500MA1B3N1N2M", "category"),  // Y has only Y1
            ("91230500MA1B3N1N2N", "checksum"),
        ];
        for (input, reason) in cases {
            assert_eq!(
                CreditCode::parse(input).unwrap_err().reason(),
                reason,
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_wrong_check_character_reports_the_right_one() {
        assert_eq!(
            CreditCode::parse("91230500MA1B3N1N20"),
            Err(CreditCodeError::Checksum {
                expected: 'M',
                found: '0'
            })
        );
    }

    #[test]
    fn every_pair_in_the_table_is_accepted_and_no_other() {
        let mut accepted = 0;
        for a in CHARSET.chars() {
            for c in CHARSET.chars() {
                let prefix = format!("{a}{c}640100MA1B3N1N2");
                let code = format!("{prefix}{}", check_character_for(&prefix).unwrap());
                let in_table = category_of(a, c).is_some();
                assert_eq!(CreditCode::parse(&code).is_ok(), in_table, "{code}");
                accepted += in_table as usize;
            }
        }
        assert_eq!(accepted, 36);
    }

    #[test]
    fn any_single_character_change_is_caught() {
        // A mod-31 check over a prime modulus with weights coprime to 31 detects every
        // single substitution; verify it exhaustively on a real code.
        let code: Vec<char> = REAL[0].chars().collect();
        for pos in 0..18 {
            for c in CHARSET.chars().filter(|&c| c != code[pos]) {
                let mut changed = code.clone();
                changed[pos] = c;
                let s: String = changed.iter().collect();
                assert!(CreditCode::parse(&s).is_err(), "{s} should be rejected");
            }
        }
    }

    #[test]
    fn check_character_for_rejects_bad_prefixes() {
        assert_eq!(check_character_for("91230500MA1B3N1N2"), Some('M'));
        assert_eq!(check_character_for("91230500MA1B3N1N"), None);
        assert_eq!(check_character_for("91230500MA1B3N1NI"), None);
    }
}
