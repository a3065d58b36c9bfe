//! The private-data check of every free text the public sees (DESIGN §7, issue 23): a decision's
//! facts, basis and content, a withdrawal or void reason, a plan's title, an entity's address.
//! The public views show these texts as written, so text that holds private data is refused
//! (422 `private_in_public_text` naming the field) rather than published or silently altered.
//!
//! The text is normalised before it is searched ([`normalise`]): NFKC (full-width and other
//! compatibility forms become plain digits and letters), then spaces, invisible characters
//! (zero-width spaces, joiners, direction marks, soft hyphens) and the separators people put
//! inside numbers and names (hyphens and dashes, brackets, middle dots, `+`) are removed and ASCII
//! letters upper-cased. In the normalised text it finds:
//! - any valid 身份证 number: 18 characters with a province code, a real birth date (1900–2100)
//!   and the MOD 11-2 check character, anywhere in a run of digits; or exactly 15 digits with a
//!   province code and a real birth date (the legacy form has no check character);
//! - mobile numbers (exactly 11 digits, 13x–19x, or with the 86 country code), landline numbers
//!   with their area code (10–12 digits from 0), and 7- or 8-digit numbers right after a word
//!   such as 电话 or 手机;
//! - UnionPay card numbers (16–19 digits from 62 with a valid Luhn check);
//! - for a given party ([`PartySecrets`]): its ID number in either form, its address whole or any
//!   run of [`ADDRESS_RUN`] characters of the part after the administrative divisions (省, 市,
//!   区, 县, 镇, 街道 …), and when the name is published masked, the full name and the given name
//!   of two or more characters.
//!
//! What is deliberately not found: a number written in Chinese numerals, digits separated by
//! other punctuation (a full stop or comma inside a number is how amounts are written, and removing
//! them would turn 139,123,456.78 元 into a mobile number), a landline without its area code or
//! a keyword before it, and a one-character given name.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::field::{Errors, FieldError};
use super::id_number::check_character;

/// A run of an address this long (after the administrative divisions) is enough to find the
/// address: 解放东街123号 is found by 东街123 but 兴庆区 alone is not.
pub const ADDRESS_RUN: usize = 5;

/// What a public text was found to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Private {
    /// The party's own ID number, in any spelling or its 15-digit form.
    PartyIdNumber,
    /// Someone's 身份证 number.
    IdNumber,
    MobileNumber,
    LandlineNumber,
    BankCard,
    /// The party's address, or a run of it.
    Address,
    /// A masked party's full name.
    FullName,
    /// A masked party's given name.
    GivenName,
}

impl Private {
    /// What was found, for the refusal's message.
    pub fn describe(self) -> &'static str {
        match self {
            Private::PartyIdNumber => "the party's ID number (身份证号码)",
            Private::IdNumber => "an ID number (身份证号码)",
            Private::MobileNumber => "a mobile phone number (手机号码)",
            Private::LandlineNumber => "a telephone number (电话号码)",
            Private::BankCard => "a bank card number (银行卡号)",
            Private::Address => "the party's address or part of it (住址)",
            Private::FullName => "the party's full name, which is published masked (姓名)",
            Private::GivenName => "the party's given name, which is published masked (名字)",
        }
    }
}

/// What is private about one party, in normalised form. [`PartySecrets::default`] knows nothing
/// about any party: the check then finds only ID, phone and card numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartySecrets {
    id_numbers: Vec<Vec<char>>,
    address: Option<Vec<char>>,
    address_runs: Vec<Vec<char>>,
    full_name: Option<Vec<char>>,
    given_name: Option<Vec<char>>,
}

impl PartySecrets {
    /// Adds the party's ID number; an 18-character number is also looked for in its 15-digit
    /// form (without the century and the check character).
    pub fn id_number(mut self, id: &str) -> Self {
        let n = normalise(id);
        if n.len() == 18 {
            let legacy: Vec<char> = n[..6].iter().chain(&n[8..17]).copied().collect();
            self.id_numbers.push(legacy);
        }
        if n.len() >= 6 {
            self.id_numbers.push(n);
        }
        self
    }

    /// Adds the party's address: found whole (at 4 characters or more), or by any run of
    /// [`ADDRESS_RUN`] characters of what follows its administrative divisions (the whole of
    /// that part when it is shorter, from 3 characters).
    pub fn address(mut self, address: &str) -> Self {
        let n = normalise(address);
        let street = strip_divisions(&n).to_vec();
        let run = ADDRESS_RUN.min(street.len());
        if run >= 3 {
            let mut runs: Vec<Vec<char>> = street.windows(run).map(<[char]>::to_vec).collect();
            runs.dedup();
            self.address_runs = runs;
        }
        if n.len() >= 4 {
            self.address = Some(n);
        }
        self
    }

    /// Adds the name of a party published masked: the full name (2 characters or more), and the
    /// given name when it has 2 characters or more. `surname` is the surname's length in
    /// characters (a 复姓 has 2).
    pub fn masked_name(mut self, name: &str, surname: usize) -> Self {
        let n = normalise(name);
        if n.len() >= 2 {
            let given: Vec<char> = n.iter().skip(surname).copied().collect();
            if given.len() >= 2 {
                self.given_name = Some(given);
            }
            self.full_name = Some(n);
        }
        self
    }
}

/// The text as the check reads it: NFKC, without spaces, invisible characters and separators,
/// ASCII letters upper-cased.
pub fn normalise(text: &str) -> Vec<char> {
    text.nfkc()
        .filter(|&c| !ignored(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Characters removed before the check: whitespace, controls, invisible format characters, and
/// the separators written inside numbers and names.
fn ignored(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
                // separators: hyphens and dashes, brackets, middle dots, the plus of +86
                | '-'
                | '_'
                | '\u{2010}'..='\u{2015}'
                | '\u{2043}'
                | '\u{2212}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{30FC}'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '\u{3008}'..='\u{3011}'
                | '\u{3014}'..='\u{301B}'
                | '·'
                | '•'
                | '\u{2027}'
                | '\u{30FB}'
                | '\u{FF65}'
                | '+'
        )
}

/// The first kind of private data `text` holds, party secrets first.
pub fn find(text: &str, party: &PartySecrets) -> Option<Private> {
    find_with(text, party, true)
}

/// [`find`] for a licence's name and number (证照名称及编号, a directory entry's licence numbers):
/// the legacy 15-digit ID form is not looked for, since a 15-digit 工商注册号 (a 个体工商户's
/// 640104600123456 reads as born 1960-01-23) is what such a field rightly holds.
pub fn find_in_licence(text: &str, party: &PartySecrets) -> Option<Private> {
    find_with(text, party, false)
}

fn find_with(text: &str, party: &PartySecrets, legacy_id: bool) -> Option<Private> {
    let n = normalise(text);
    if n.is_empty() {
        return None;
    }
    if party.id_numbers.iter().any(|id| contains(&n, id)) {
        return Some(Private::PartyIdNumber);
    }
    // Numbers are read twice: with spaces removed (139 1234 5678 is one number) and with spaces
    // as boundaries (13912345678 2025年 is a number and a year, not one 15-digit run).
    if let Some(p) = find_numbers(&n, legacy_id).or_else(|| find_numbers(&spaced(text), legacy_id))
    {
        return Some(p);
    }
    if party.address.as_ref().is_some_and(|a| contains(&n, a))
        || party.address_runs.iter().any(|r| contains(&n, r))
    {
        return Some(Private::Address);
    }
    if party.full_name.as_ref().is_some_and(|f| contains(&n, f)) {
        return Some(Private::FullName);
    }
    if party
        .given_name
        .as_ref()
        .is_some_and(|g| contains(&normalise(&without_common_words(text)), g))
    {
        return Some(Private::GivenName);
    }
    None
}

/// The text as [`normalise`] reads it, but with each run of whitespace kept as one space.
fn spaced(text: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in text.nfkc() {
        if c.is_whitespace() {
            if out.last() != Some(&' ') {
                out.push(' ');
            }
        } else if !ignored(c) {
            out.push(c.to_ascii_uppercase());
        }
    }
    out
}

/// Words of enforcement text that a two-character given name may be part of (王中华 and
/// 《中华人民共和国行政处罚法》, 张人民 and 人民币, 刘国庆 and 国庆节): the titles in 《》 and these
/// words are left out before a given name is looked for. The full name is always looked for.
const COMMON_WORDS: &[&str] = &[
    "中华人民共和国",
    "人民政府",
    "人民法院",
    "人民检察院",
    "人民币",
    "国庆节",
    "国庆",
    "春节",
    "治安管理",
    "文化和旅游",
    "文化旅游",
    "广播电视",
    "市场监督",
    "行政处罚",
    "行政复议",
    "行政诉讼",
    "营业执照",
    "许可证",
    "网络文化",
    "互联网",
    "娱乐场所",
    "演出",
    "文物",
    "出版",
    "新闻",
    "执法",
    "违法所得",
];

fn without_common_words(text: &str) -> String {
    // 《…》 titles first (their brackets are separators to `normalise`).
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.nfkc() {
        match c {
            '《' | '〈' => depth += 1,
            '》' | '〉' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    COMMON_WORDS
        .iter()
        .fold(plain, |t, w| t.replace(w, "\u{FFFC}"))
}

/// The refusal of `text` in `field` when it holds private data: 422 `private_in_public_text`
/// naming the field and what it holds.
pub fn refusal(field: &str, text: &str, party: &PartySecrets) -> Option<FieldError> {
    find(text, party).map(|found| refused(field, found))
}

fn refused(field: &str, found: Private) -> FieldError {
    FieldError::new(
        field,
        CODE,
        format!(
            "{field} is published as written and holds {}; remove or mask it (e.g. 当事人欧阳**, 身份证号6401**********1234)",
            found.describe()
        ),
    )
}

/// [`refusal`] of a licence's name and number ([`find_in_licence`]).
pub fn refusal_in_licence(field: &str, text: &str, party: &PartySecrets) -> Option<FieldError> {
    find_in_licence(text, party).map(|found| refused(field, found))
}

/// Records the refusal of a text no party is known for (a plan's title, an entity's address, a
/// void reason): only ID, phone and bank card numbers are looked for.
pub fn check(errors: &mut Errors, field: &str, text: Option<&str>) {
    if let Some(f) = text.and_then(|t| refusal(field, t, &PartySecrets::default())) {
        errors.push(&f.field, &f.code, f.message);
    }
}

/// The refusal's code.
pub const CODE: &str = "private_in_public_text";

fn contains(haystack: &[char], needle: &[char]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// ID, phone and card numbers in normalised text (the 15-digit ID form when `legacy_id`).
fn find_numbers(n: &[char], legacy_id: bool) -> Option<Private> {
    let mut i = 0;
    while i < n.len() {
        if !n[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n.len() && n[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = n[start..i].iter().collect();
        // An 18-character number may end in X.
        let with_x = if n.get(i) == Some(&'X') {
            format!("{digits}X")
        } else {
            digits.clone()
        };
        if holds_id18(&with_x) || (legacy_id && digits.len() == 15 && is_id15(&digits)) {
            return Some(Private::IdNumber);
        }
        if is_mobile(&digits) {
            return Some(Private::MobileNumber);
        }
        if is_landline(&digits) || (matches!(digits.len(), 7 | 8) && after_phone_word(&n[..start]))
        {
            return Some(Private::LandlineNumber);
        }
        if is_union_pay(&digits) {
            return Some(Private::BankCard);
        }
    }
    None
}

/// Whether any 18 consecutive characters of `run` (ASCII digits, perhaps a final X) are a valid
/// ID number.
fn holds_id18(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() >= 18
        && (0..=b.len() - 18).any(|s| {
            let w = &b[s..s + 18];
            w[..17].iter().all(u8::is_ascii_digit)
                && province(&w[..2])
                && birth_date(&w[6..14])
                && check_character(std::str::from_utf8(&w[..17]).unwrap_or("")) as u8 == w[17]
        })
}

/// A legacy 15-digit number: province, and a birth date YYMMDD in the 1900s.
fn is_id15(digits: &str) -> bool {
    let b = digits.as_bytes();
    province(&b[..2]) && birth_date(&[b"19".as_slice(), &b[6..12]].concat())
}

/// The first two digits of an ID number: a province-level division (GB/T 2260), the 81–83 of
/// residence permits, or the 9 of the foreigner's permanent residence ID.
fn province(two: &[u8]) -> bool {
    let v = (two[0] - b'0') * 10 + (two[1] - b'0');
    matches!(
        v,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83 | 90..=99
    )
}

/// YYYYMMDD, a real date from 1900 to 2100.
fn birth_date(eight: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(eight) else {
        return false;
    };
    let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d") else {
        return false;
    };
    (1900..=2100).contains(&chrono::Datelike::year(&d))
}

/// 11 digits 13x–19x, or 13 with the 86 country code in front.
fn is_mobile(digits: &str) -> bool {
    let mobile = |d: &str| {
        let b = d.as_bytes();
        b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
    };
    mobile(digits) || (digits.len() == 13 && digits.starts_with("86") && mobile(&digits[2..]))
}

/// 0, an area code and 7 or 8 digits: 10 to 12 digits starting 0 and then not 0.
fn is_landline(digits: &str) -> bool {
    let b = digits.as_bytes();
    (10..=12).contains(&b.len()) && b[0] == b'0' && b[1] != b'0'
}

/// Whether the text just before a number ends with a word that announces a phone number.
fn after_phone_word(before: &[char]) -> bool {
    let tail: String = before[before.len().saturating_sub(8)..]
        .iter()
        .filter(|c| !matches!(c, ':' | '为' | '是' | '码'))
        .collect();
    ["电话", "手机", "座机", "联系方式", "TEL", "PHONE", "热线"]
        .iter()
        .any(|w| tail.ends_with(w) || tail.ends_with(&format!("{w}号")))
}

/// A UnionPay card number: 16 to 19 digits from 62, Luhn-valid.
fn is_union_pay(digits: &str) -> bool {
    (16..=19).contains(&digits.len()) && digits.starts_with("62") && luhn(digits)
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// The address after its leading administrative divisions: 宁夏回族自治区银川市兴庆区解放东街123号
/// → 解放东街123号. A division is a prefix of 2 to 10 characters ending in a division's ending
/// ([`division_level`]), each one of a lower level than the one before (province, prefecture,
/// county, township), so 兴庆区苏州街5号 keeps 苏州街5号 and 金凤区阅海湾小区 keeps 阅海湾小区; an ending
/// followed by 街, 路, 巷, 道, 场, 大街 or 大道 is a street or a market (苏州街, 广州大道, 市场路), not a
/// division.
pub fn strip_divisions(address: &[char]) -> &[char] {
    let mut rest = address;
    let mut level = 0;
    loop {
        let cut = (2..=rest.len().min(10)).find_map(|n| {
            let l = division_level(&rest[..n], level)?;
            let street = matches!(rest.get(n), Some('街' | '路' | '巷' | '道' | '场'))
                || (rest.get(n) == Some(&'大') && matches!(rest.get(n + 1), Some('街' | '道')));
            (!street).then_some((n, l))
        });
        match cut {
            Some((n, l)) => {
                rest = &rest[n..];
                level = l;
            }
            None => return rest,
        }
    }
}

/// The level (1 province, 2 prefecture, 3 county, 4 township) of a division named `segment`,
/// if it is one and ranks below `above`; 市 is a prefecture after a province (or first), a
/// county-level city after a prefecture. 小区, 社区, 园区, 校区 and 景区 end in 区 but are places
/// within an address, not divisions.
fn division_level(segment: &[char], above: u8) -> Option<u8> {
    let s: String = segment.iter().collect();
    let ends = |e: &str| s.ends_with(e) && s.chars().count() > e.chars().count();
    if ["小区", "社区", "园区", "校区", "景区"]
        .iter()
        .any(|e| s.ends_with(e))
    {
        return None;
    }
    let level = if ["特别行政区", "自治区", "省"].iter().any(|e| ends(e)) {
        1
    } else if ["自治州", "地区", "州", "盟"].iter().any(|e| ends(e)) {
        2
    } else if ends("市") {
        if above < 2 {
            2
        } else {
            3
        }
    } else if ["自治县", "自治旗", "区", "县", "旗"]
        .iter()
        .any(|e| ends(e))
    {
        3
    } else if ["街道", "镇", "乡"].iter().any(|e| ends(e)) {
        4
    } else {
        return None;
    };
    (level > above).then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "640104197707077776";

    fn none() -> PartySecrets {
        PartySecrets::default()
    }

    fn party() -> PartySecrets {
        PartySecrets::default()
            .id_number(ID)
            .address("宁夏回族自治区银川市兴庆区解放东街123号")
            .masked_name("上官飞燕", 2)
    }

    #[test]
    fn the_test_id_number_is_valid() {
        assert!(crate::domain::id_number::IdNumber::parse(ID, NaiveDate::MAX).is_ok());
    }

    #[test]
    fn an_id_number_is_found_in_every_spelling() {
        for text in [
            "身份证号640104197707077776",
            "身份证号 640104 19770707 7776",
            "身份证号6401-0419-7707-0777-76",
            "身份证号６４０１０４１９７７０７０７７７７６",
            "身份证号640104\u{200B}1977\u{200C}0707\u{200D}7776\u{FEFF}",
            "身份证号6\u{00AD}40104197707077776",
            "身份证号640104—19770707—7776",
            "身份证号（640104）19770707 7776",
            "身份证号6 4 0 1 0 4 1 9 7 7 0 7 0 7 7 7 7 6号",
            "11010519491231002x",
            "证号１１０１０５１９４９１２３１００２ｘ",
        ] {
            assert!(
                matches!(
                    find(text, &none()),
                    Some(Private::IdNumber | Private::PartyIdNumber)
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn the_partys_own_number_is_named_as_such_also_in_its_15_digit_form() {
        assert_eq!(
            find("号码640104 770707 777", &party()),
            Some(Private::PartyIdNumber)
        );
        assert_eq!(
            find("号码640104197707077776", &party()),
            Some(Private::PartyIdNumber)
        );
    }

    #[test]
    fn a_legacy_15_digit_id_number_is_found_by_its_date() {
        assert_eq!(
            find("身份证110105491231002", &none()),
            Some(Private::IdNumber)
        );
        // month 13, or no province: not an ID number
        assert_eq!(find("编号110105491331002", &none()), None);
        assert_eq!(find("编号000105491231002", &none()), None);
        // within a longer number the 15-digit form is not looked for
        assert_eq!(find("编号11010549123100212", &none()), None);
    }

    #[test]
    fn numbers_that_are_not_id_numbers_pass() {
        for text in [
            "罚款人民币20000元",
            "2026年3月1日10时30分",
            "银文旅罚〔2025〕第001号",
            "依据《娱乐场所管理条例》第四十三条",
            "统一社会信用代码91640100MA76XXXX1Q",
            "罚款1,380,000.00元",
            "金额139,123,456.78元",
            "许可证编号640104120000123",
            // a wrong check character
            "号码640104197707077775",
            // born in 1850
            "号码640104185007077776",
            "2026-01-15 13:45",
            "营业时间 08:00-22:00",
            "服务热线12318",
        ] {
            assert_eq!(find(text, &none()), None, "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_found() {
        for (text, want) in [
            ("联系13912345678", Private::MobileNumber),
            ("联系139 1234 5678", Private::MobileNumber),
            ("联系139-1234-5678", Private::MobileNumber),
            ("联系+86 139 1234 5678", Private::MobileNumber),
            ("联系１３９１２３４５６７８", Private::MobileNumber),
            ("电话0951-5028888", Private::LandlineNumber),
            ("电话(0951)50288881", Private::LandlineNumber),
            ("电话010-12345678", Private::LandlineNumber),
            ("电话：5028888", Private::LandlineNumber),
            ("联系电话为50288881", Private::LandlineNumber),
            ("TEL 5028888", Private::LandlineNumber),
        ] {
            assert_eq!(find(text, &none()), Some(want), "{text}");
        }
        // 12 digits from 1, 10 from 1, 7 digits without a word before them
        assert_eq!(find("编号139123456789", &none()), None);
        assert_eq!(find("罚款1391234567元", &none()), None);
        assert_eq!(find("罚款5028888元", &none()), None);
    }

    #[test]
    fn union_pay_card_numbers_are_found_when_luhn_valid() {
        assert_eq!(
            find("账号6222 0202 0000 0000 008", &none()),
            None,
            "Luhn-invalid"
        );
        let body = "622202020000000000";
        let check = (0..=9)
            .map(|d| format!("{body}{d}"))
            .find(|c| luhn(c))
            .unwrap();
        assert_eq!(
            find(&format!("账号{check}"), &none()),
            Some(Private::BankCard)
        );
    }

    #[test]
    fn the_address_is_found_whole_or_by_a_run_of_its_street_part() {
        for text in [
            "住宁夏回族自治区银川市兴庆区解放东街123号",
            "住银川市兴庆区解放东街123号",
            "住解放东街123号",
            "住 解放 东街 123 号",
            "住东街123号附近",
            "在解放东街1经营",
        ] {
            assert_eq!(find(text, &party()), Some(Private::Address), "{text}");
        }
        for text in ["在兴庆区经营", "在银川市兴庆区经营网吧", "解放东路", "东街"]
        {
            assert_eq!(find(text, &party()), None, "{text}");
        }
    }

    #[test]
    fn a_masked_name_is_found_whole_spaced_or_given_name_alone() {
        for (text, want) in [
            ("当事人上官飞燕", Private::FullName),
            ("当事人上官 飞燕", Private::FullName),
            ("当事人上·官·飞·燕", Private::FullName),
            ("当事人飞燕", Private::GivenName),
        ] {
            assert_eq!(find(text, &party()), Some(want), "{text}");
        }
        assert_eq!(find("当事人上官**", &party()), None);
        // a one-character given name is not looked for; the full name is
        let p = PartySecrets::default().masked_name("张伟", 1);
        assert_eq!(find("伟大", &p), None);
        assert_eq!(find("张 伟", &p), Some(Private::FullName));
    }

    #[test]
    fn the_issues_withdrawal_reason_is_refused() {
        let reason = "当事人上官飞燕（身份证号640104197707077776，住址宁夏银川市兴庆区解放东街123号）申请行政复议，决定撤销";
        assert_eq!(find(reason, &party()), Some(Private::PartyIdNumber));
        assert_eq!(find(reason, &none()), Some(Private::IdNumber));
        assert_eq!(
            find("当事人上官飞燕申请行政复议，决定撤销", &party()),
            Some(Private::FullName)
        );
        assert_eq!(find("经行政复议，决定撤销", &party()), None);
    }

    #[test]
    fn numbers_next_to_each_other_with_a_space_are_each_looked_at() {
        for text in [
            "联系电话13912345678 2025年3月1日到场",
            "电话13912345678 13812345678",
            "身份证号110105491231002 1号",
        ] {
            assert!(find(text, &none()).is_some(), "{text}");
        }
    }

    #[test]
    fn a_given_name_that_is_a_common_word_of_the_text_is_not_found_there() {
        let p = |name: &str| PartySecrets::default().masked_name(name, 1);
        assert_eq!(
            find("依据《中华人民共和国行政处罚法》第二十八条", &p("王中华")),
            None
        );
        assert_eq!(find("罚款人民币5000元", &p("张人民")), None);
        assert_eq!(find("依据《治安管理处罚法》", &p("李治安")), None);
        assert_eq!(find("国庆节期间", &p("刘国庆")), None);
        // …but the given name as a name, and the full name anywhere, are.
        assert_eq!(
            find("当事人中华申请复议", &p("王中华")),
            Some(Private::GivenName)
        );
        assert_eq!(
            find("《王中华诉某局案》", &p("王中华")),
            Some(Private::FullName)
        );
    }

    #[test]
    fn a_registration_number_in_a_licence_field_is_not_a_legacy_id_number() {
        let reg = "营业执照注册号640104600123456";
        assert_eq!(find(reg, &none()), Some(Private::IdNumber));
        assert_eq!(find_in_licence(reg, &none()), None);
        assert_eq!(
            find_in_licence(&format!("许可证{ID}"), &none()),
            Some(Private::IdNumber)
        );
    }

    #[test]
    fn an_address_is_found_by_its_estate_and_not_by_a_street_named_after_a_city() {
        let p = PartySecrets::default().address("银川市金凤区阅海湾小区12号楼3单元502室");
        assert_eq!(find("当事人住阅海湾小区12号楼", &p), Some(Private::Address));
        let q = PartySecrets::default().address("兴庆区苏州街5号");
        assert_eq!(find("在解放西街5号经营", &q), None);
        assert_eq!(find("在苏州街5号经营", &q), Some(Private::Address));
    }

    #[test]
    fn divisions_are_stripped_from_the_front_only() {
        let s = |a: &str| strip_divisions(&normalise(a)).iter().collect::<String>();
        assert_eq!(
            s("宁夏回族自治区银川市兴庆区解放东街123号"),
            "解放东街123号"
        );
        assert_eq!(s("北京市朝阳区建国路1号"), "建国路1号");
        assert_eq!(s("市场路5号"), "市场路5号");
        assert_eq!(s("兴庆区"), "");
        assert_eq!(s("贺兰县习岗镇新平村三组"), "新平村三组");
        assert_eq!(s("兴庆区苏州街5号"), "苏州街5号");
        assert_eq!(s("苏州街5号"), "苏州街5号");
        assert_eq!(s("新市场路5号"), "新市场路5号");
        assert_eq!(s("银川市金凤区阅海湾小区12号楼"), "阅海湾小区12号楼");
        assert_eq!(
            s("新疆维吾尔自治区乌鲁木齐市天山区新华北路1号"),
            "新华北路1号"
        );
        assert_eq!(s("黔东南苗族侗族自治州凯里市大十字街1号"), "大十字街1号");
    }

    #[test]
    fn normalisation_removes_what_hides_a_number_and_keeps_amount_punctuation() {
        assert_eq!(
            normalise("６４０１\u{200B} ０４-x（1）"),
            "640104X1".chars().collect::<Vec<_>>()
        );
        assert_eq!(
            normalise("1,380.00元"),
            "1,380.00元".chars().collect::<Vec<_>>()
        );
        assert!(normalise(" \u{3000}\u{200B}\u{2060}").is_empty());
    }

    #[test]
    fn every_18_digit_window_of_a_long_run_is_checked() {
        assert_eq!(
            find(&format!("号码00{ID}00"), &none()),
            Some(Private::IdNumber)
        );
    }
}
