//! The amounts a decision's 处罚内容 states in words: "警告，并处罚款人民币2000元", "没收违法所得
//! 贰仟元整", "罚款0.2万元（¥2,000.00）". A clerk types the structured amount and the text
//! separately, and a slip in one (2000 分 for 2,000 元, 万元 for 元) would be published as a
//! hundred or ten thousand times the real fine; `fields` compares the two.
//!
//! How the text is read (docs/penalties.md, "Amounts checked against the text"):
//! - An amount is a number followed by 元 or 圆, optionally with 万 before it: Arabic digits
//!   (with thousands commas and up to two decimals, ¥ or 人民币 before them allowed), or Chinese
//!   numerals, lower case (二千五百) or capital (贰仟伍佰), 整 after it ignored.
//! - The text is cut into clauses at ，,；;。 and line ends. An amount belongs to a fine when its
//!   clause says 罚款 (or 罚金) and not 没收, to a confiscation when it says 没收 and not 罚款;
//!   a clause saying both gives each amount to the nearest of the two words before it.
//!   Amounts in other clauses (违法所得共计3000元 without 没收) are facts, not penalties, and are
//!   not compared.
//! - Every amount stated for a fine must equal the fine; the same for a confiscation. The same
//!   amount said twice (贰仟元（2000元）) is one amount.

/// What kind of money a stated amount is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Fine,
    Confiscation,
}

/// One amount the text states, in 分, with the words it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    pub purpose: Purpose,
    pub fen: i64,
    pub words: String,
}

/// Every amount `content` states for a fine or a confiscation, in order, each distinct
/// (purpose, amount) once.
pub fn stated_amounts(content: &str) -> Vec<Stated> {
    let mut out: Vec<Stated> = Vec::new();
    for chars in clauses(content) {
        let chars = &chars[..];
        let fine_words = keyword_positions(chars, &["罚款", "罚金"]);
        let confiscation_words = keyword_positions(chars, &["没收"]);
        if fine_words.is_empty() && confiscation_words.is_empty() {
            continue;
        }
        for (start, end, fen) in amounts_in(chars) {
            let purpose = match (fine_words.is_empty(), confiscation_words.is_empty()) {
                (false, true) => Purpose::Fine,
                (true, false) => Purpose::Confiscation,
                _ => {
                    // Both words: the nearest before the amount, else the nearest after it.
                    let before = |ws: &[usize]| ws.iter().filter(|&&w| w < start).max().copied();
                    match (before(&fine_words), before(&confiscation_words)) {
                        (Some(f), Some(c)) if f > c => Purpose::Fine,
                        (Some(_), Some(_)) => Purpose::Confiscation,
                        (Some(_), None) => Purpose::Fine,
                        (None, Some(_)) => Purpose::Confiscation,
                        (None, None) => {
                            let after =
                                |ws: &[usize]| ws.iter().filter(|&&w| w > start).min().copied();
                            match (after(&fine_words), after(&confiscation_words)) {
                                (Some(f), Some(c)) if f < c => Purpose::Fine,
                                _ => Purpose::Confiscation,
                            }
                        }
                    }
                }
            };
            if !out.iter().any(|s| s.purpose == purpose && s.fen == fen) {
                out.push(Stated {
                    purpose,
                    fen,
                    words: chars[start..end].iter().collect(),
                });
            }
        }
    }
    out
}

/// The text cut at ，；;。 and line ends, and at a `,` that is not a thousands comma (2,000).
fn clauses(content: &str) -> Vec<Vec<char>> {
    let chars: Vec<char> = content.chars().collect();
    let mut out = vec![Vec::new()];
    for (i, &c) in chars.iter().enumerate() {
        let thousands = c == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if matches!(c, '，' | '；' | ';' | '。' | '\n' | '\r') || (c == ',' && !thousands) {
            out.push(Vec::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out
}

fn keyword_positions(chars: &[char], words: &[&str]) -> Vec<usize> {
    let mut at = Vec::new();
    for w in words {
        let w: Vec<char> = w.chars().collect();
        for i in 0..chars.len().saturating_sub(w.len() - 1) {
            if chars[i..i + w.len()] == w[..] {
                at.push(i);
            }
        }
    }
    at
}

fn chinese_digit(c: char) -> Option<i64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' | '幺' => 1,
        '二' | '两' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<i64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        '万' | '萬' => 10_000,
        '亿' | '億' => 100_000_000,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || chinese_unit(c).is_some()
}

/// A Chinese numeral (二千五百, 贰万零伍拾, 十五) as a whole number, or `None` if it is not one.
pub fn chinese_number(s: &str) -> Option<i64> {
    let mut total: i64 = 0; // completed 亿 and 万 sections
    let mut section: i64 = 0; // below 万
    let mut digit: Option<i64> = None;
    let mut any = false;
    for c in s.chars() {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some_and(|p| p != 0) && d != 0 {
                return None; // two digits in a row (二三) is no numeral
            }
            digit = Some(d);
            any = true;
        } else if let Some(u) = chinese_unit(c) {
            any = true;
            match u {
                10 | 100 | 1000 => {
                    // 十 alone means 一十.
                    let d = digit.take().unwrap_or(1);
                    section = section.checked_add(d.checked_mul(u)?)?;
                }
                _ => {
                    let part = section.checked_add(digit.take().unwrap_or(0))?;
                    if part == 0 && total == 0 {
                        return None; // 万 with nothing before it
                    }
                    if u == 10_000 {
                        // 一亿二万: 万 applies to what follows the last 亿.
                        total = total.checked_add(part.checked_mul(u)?)?;
                    } else {
                        total = total.checked_add(part)?.checked_mul(u)?;
                    }
                    section = 0;
                }
            }
        } else {
            return None;
        }
    }
    if !any {
        return None;
    }
    total.checked_add(section)?.checked_add(digit.unwrap_or(0))
}

/// Arabic digits with optional thousands commas and decimals, in hundredths: "2,000.50" → 200050.
fn arabic_hundredths(s: &str, max_decimals: usize) -> Option<i64> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    let whole: String = whole.chars().filter(|&c| c != ',' && c != '，').collect();
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.trim_end_matches('0').len() > max_decimals
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let scale = 10i64.pow(max_decimals as u32);
    let frac_v: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = max_decimals)
            .parse()
            .ok()?
    };
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(frac_v)
}

/// Every amount of money in the clause: (start, end, 分), positions in chars.
fn amounts_in(chars: &[char]) -> Vec<(usize, usize, i64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let arabic = c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()));
        if arabic {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || ((chars[j] == ',' || chars[j] == '.')
                        && chars.get(j + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                j += 1;
            }
            let digits: String = chars[i..j].iter().collect();
            let mut k = skip_spaces(chars, j);
            let wan = chars.get(k) == Some(&'万');
            if wan {
                k = skip_spaces(chars, k + 1);
            }
            if matches!(chars.get(k), Some('元' | '圆')) {
                // 万元 takes up to six decimals (1 分 = 0.000001 万元), 元 two.
                let fen = if wan {
                    super::money::wan_to_fen(&digits)
                } else {
                    arabic_hundredths(&digits, 2)
                };
                if let Some(fen) = fen {
                    out.push((start, k + 1, fen));
                }
                i = k + 1;
                continue;
            }
            // ¥2,000.00 without 元 after it.
            if start > 0 && matches!(chars[start - 1], '¥' | '￥') && !wan {
                if let Some(fen) = arabic_hundredths(&digits, 2) {
                    out.push((start - 1, j, fen));
                }
            }
            i = j.max(i + 1);
            continue;
        }
        if is_chinese_numeral(c) {
            let mut j = i;
            while j < chars.len() && is_chinese_numeral(chars[j]) {
                j += 1;
            }
            if matches!(chars.get(j), Some('元' | '圆')) {
                let words: String = chars[i..j].iter().collect();
                let (cents, end) = jiao_fen(chars, j + 1);
                if let Some(yuan) = chinese_number(&words) {
                    if let Some(fen) = yuan.checked_mul(100).and_then(|f| f.checked_add(cents)) {
                        out.push((start, end, fen));
                    }
                }
                i = end;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// 角 and 分 after 元 (六角七分, 零五分): their value in 分 and where the amount ends.
fn jiao_fen(chars: &[char], mut i: usize) -> (i64, usize) {
    let mut cents = 0;
    if chars.get(i) == Some(&'零') && chars.get(i + 2) == Some(&'分') {
        i += 1;
    }
    for (unit, worth) in [('角', 10), ('分', 1)] {
        if let (Some(d), Some(&u)) = (
            chars.get(i).and_then(|&c| chinese_digit(c)),
            chars.get(i + 1),
        ) {
            if u == unit {
                cents += d * worth;
                i += 2;
            }
        }
    }
    (cents, i)
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fines(text: &str) -> Vec<i64> {
        stated_amounts(text)
            .into_iter()
            .filter(|s| s.purpose == Purpose::Fine)
            .map(|s| s.fen)
            .collect()
    }

    fn confiscations(text: &str) -> Vec<i64> {
        stated_amounts(text)
            .into_iter()
            .filter(|s| s.purpose == Purpose::Confiscation)
            .map(|s| s.fen)
            .collect()
    }

    #[test]
    fn the_issues_spellings_of_two_thousand_yuan_agree() {
        for text in [
            "警告，并处罚款人民币2000元",
            "罚款贰仟元",
            "罚款0.2万元",
            "罚款人民币贰仟元整",
            "罚款二千元",
            "罚款2,000.00元",
            "罚款人民币 2000 元",
            "处2000元罚款",
            "罚款贰仟圆整（¥2,000.00）",
            "罚款2000元（贰仟元）",
            "警告，并处罚款人民币2,000元",
            "警告,罚款2,000元",
        ] {
            assert_eq!(fines(text), [200_000], "{text}");
        }
    }

    #[test]
    fn jiao_and_fen_after_yuan_count() {
        assert_eq!(
            fines("警告，罚款人民币一万二千三百四十五元六角七分，暂扣网络文化经营许可证"),
            [1_234_567]
        );
        assert_eq!(fines("罚款壹佰元零伍分"), [10_005]);
        assert_eq!(fines("罚款贰拾元伍角"), [2_050]);
    }

    #[test]
    fn chinese_numerals_read_as_written() {
        for (words, n) in [
            ("贰仟", 2000),
            ("二千五百", 2500),
            ("贰万零伍拾", 20_050),
            ("十五", 15),
            ("拾", 10),
            ("一百零八", 108),
            ("伍万", 50_000),
            ("壹拾贰万叁仟肆佰伍拾陆", 123_456),
            ("一亿二千万", 120_000_000),
            ("两千", 2000),
            ("零", 0),
            ("三千零五", 3005),
        ] {
            assert_eq!(chinese_number(words), Some(n), "{words}");
        }
        for bad in ["", "万", "二三", "元", "千万x"] {
            assert_eq!(chinese_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn wan_yuan_reads_to_the_fen_and_large_amounts_stay_exact() {
        assert_eq!(fines("罚款3000万元"), [3_000_000_000]);
        assert_eq!(fines("罚款1.5万元"), [1_500_000]);
        assert_eq!(fines("罚款0.000001万元"), [1]);
        assert_eq!(fines("罚款20.50元"), [2050]);
        assert_eq!(fines("罚款伍万元"), [5_000_000]);
    }

    #[test]
    fn a_fine_and_a_confiscation_in_one_text_are_told_apart() {
        let text = "没收违法所得人民币3000元，并处罚款人民币5000元";
        assert_eq!(confiscations(text), [300_000]);
        assert_eq!(fines(text), [500_000]);
        let text = "没收违法所得3000元并处罚款5000元";
        assert_eq!(confiscations(text), [300_000]);
        assert_eq!(fines(text), [500_000]);
        let text = "处5000元罚款并没收违法所得3000元";
        assert_eq!(fines(text), [500_000]);
        assert_eq!(confiscations(text), [300_000]);
    }

    #[test]
    fn amounts_that_are_facts_not_penalties_are_not_read() {
        assert!(stated_amounts("违法所得共计3000元").is_empty());
        assert!(stated_amounts("警告").is_empty());
        assert!(stated_amounts("责令改正，罚款").is_empty(), "no amount");
        assert!(
            stated_amounts("罚款，依据第20条").is_empty(),
            "an article is no amount"
        );
        assert!(stated_amounts("罚款2000").is_empty(), "no 元: not read");
        // 违法所得3000元 is a fact; the fine is in another clause.
        assert_eq!(fines("经营额3000元，罚款1000元"), [100_000]);
    }

    #[test]
    fn two_different_fines_are_both_reported() {
        assert_eq!(fines("罚款2000元（大写：贰万元）"), [200_000, 2_000_000]);
    }
}
