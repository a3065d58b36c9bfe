//! 行政处罚决定书文号: as given (legacy variants included) or allocated in the GB/T 9704 form
//! `{代字}罚〔{YYYY}〕{n}号` (no 第, no leading zeros), and the key that makes two spellings of
//! one number the same number.

use crate::domain::field::check_text;

/// The longest decision number (双公示 CF_WSH is varchar(128)).
pub const MAX_CHARS: usize = 128;

/// A decision number as written on the decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DecisionNumber(String);

impl DecisionNumber {
    /// Any non-empty number of at most [`MAX_CHARS`] that passes the text rule, kept as given.
    pub fn parse(input: &str) -> Result<DecisionNumber, (&'static str, String)> {
        let s = input.trim();
        if s.is_empty() {
            return Err(("required", "decision_number is required".into()));
        }
        if let Err(p) = check_text(s) {
            return Err((p.code(), p.message("decision_number")));
        }
        if s.chars().count() > MAX_CHARS {
            return Err((
                "too_long",
                format!("decision_number has more than {MAX_CHARS} characters"),
            ));
        }
        Ok(DecisionNumber(s.to_string()))
    }

    /// The number allocation gives: `{prefix}罚〔{year}〕{n}号`.
    pub fn allocated(prefix: &str, year: i32, n: u32) -> DecisionNumber {
        DecisionNumber(format!("{prefix}罚〔{year}〕{n}号"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identity of the number: width folded, spaces dropped, every bracket pair around the
    /// year written 〔〕, a 第 before the sequence dropped and its leading zeros dropped. So
    /// `银文旅罚[2026]第012号` and `银文旅罚〔2026〕12号` are one number (a repeat is a duplicate).
    pub fn key(&self) -> String {
        let folded: String = crate::domain::text::fold_width(&self.0)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '【' | '[' | '（' | '(' | '〔' | '［' => '〔',
                '】' | ']' | '）' | ')' | '〕' | '］' => '〕',
                c => c,
            })
            .collect();
        // After the closing bracket of the year: drop 第 and leading zeros of the sequence.
        match folded.rfind('〕') {
            Some(i) => {
                let (head, tail) = folded.split_at(i + '〕'.len_utf8());
                let tail = tail.strip_prefix('第').unwrap_or(tail);
                let digits = tail.len() - tail.trim_start_matches('0').len();
                let tail = if tail[digits..].starts_with(|c: char| c.is_ascii_digit()) {
                    &tail[digits..]
                } else {
                    tail
                };
                format!("{head}{tail}")
            }
            None => folded,
        }
    }
}

/// When `query` is a whole decision number (`{代字}罚〔{YYYY}〕{n}号` in any of the spellings
/// [`DecisionNumber::key`] folds), its key: a search for it then finds the decisions with that
/// number, however each was written, rather than every text containing it.
pub fn whole_number_key(query: &str) -> Option<String> {
    let key = DecisionNumber::parse(query).ok()?.key();
    let (head, tail) = key.split_once('〔')?;
    let (year, seq) = tail.split_once('〕')?;
    let seq = seq.strip_suffix('号')?;
    let whole = head.ends_with('罚')
        && head.chars().count() > 1
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !seq.is_empty()
        && seq.bytes().all(|b| b.is_ascii_digit());
    whole.then_some(key)
}

impl std::fmt::Display for DecisionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What became of an allocated number, as the number register shows it: numbering must have no
/// unexplained gap, so a number is either on a decision, voided (作废) with the reason its
/// decision was discarded, or never used (allocated and then left, e.g. by a draft moved to
/// another year that asked for a new number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberUse {
    Used,
    Voided,
    Unused,
}

impl NumberUse {
    /// The use of a number whose decision is in `state` (`None`: no decision has it).
    pub fn of(state: Option<super::state::State>) -> NumberUse {
        match state {
            None => NumberUse::Unused,
            Some(super::state::State::Discarded) => NumberUse::Voided,
            Some(_) => NumberUse::Used,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NumberUse::Used => "used",
            NumberUse::Voided => "voided",
            NumberUse::Unused => "unused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NumberUse::Used => "已使用",
            NumberUse::Voided => "作废",
            NumberUse::Unused => "未使用",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_number_in_any_spelling_is_recognised_and_a_fragment_is_not() {
        let key = DecisionNumber::parse("银文旅罚〔2026〕12号").unwrap().key();
        for whole in [
            "银文旅罚〔2026〕12号",
            "银文旅罚[2026]第012号",
            " 银文旅罚【2026】12号 ",
        ] {
            assert_eq!(whole_number_key(whole), Some(key.clone()), "{whole}");
        }
        for fragment in [
            "银文旅罚〔2026〕",
            "〔2026〕12号",
            "罚〔2026〕12号",
            "12号",
            "银文旅罚〔26〕12号",
            "银文旅罚〔2026〕十二号",
            "银文旅罚〔2026〕12",
            "星光网吧",
            "",
        ] {
            assert_eq!(whole_number_key(fragment), None, "{fragment}");
        }
    }

    #[test]
    fn allocation_writes_the_standard_form() {
        assert_eq!(
            DecisionNumber::allocated("银文旅", 2026, 12).as_str(),
            "银文旅罚〔2026〕12号"
        );
        assert_eq!(
            DecisionNumber::allocated("银文旅", 2026, 1).as_str(),
            "银文旅罚〔2026〕1号",
            "1 is not written 01"
        );
    }

    #[test]
    fn legacy_spellings_are_kept_as_given_but_share_one_key() {
        let standard = DecisionNumber::parse("银文旅罚〔2026〕12号").unwrap();
        for legacy in [
            "银文旅罚[2026]12号",
            "银文旅罚【2026】12号",
            "银文旅罚〔2026〕第12号",
            "银文旅罚［2026］012号",
            " 银文旅罚 (2026) 12号 ",
        ] {
            let n = DecisionNumber::parse(legacy).unwrap();
            assert_eq!(n.as_str(), legacy.trim(), "kept as given");
            assert_eq!(n.key(), standard.key(), "{legacy}");
        }
        assert_ne!(
            DecisionNumber::parse("银文旅罚〔2026〕120号")
                .unwrap()
                .key(),
            standard.key()
        );
        assert_ne!(
            DecisionNumber::parse("银文旅罚〔2025〕12号").unwrap().key(),
            standard.key()
        );
        assert_eq!(
            DecisionNumber::parse("市场【2019】1号").unwrap().key(),
            "市场〔2019〕1号"
        );
    }

    #[test]
    fn empty_long_and_control_characters_are_refused() {
        assert_eq!(DecisionNumber::parse("  ").unwrap_err().0, "required");
        assert_eq!(
            DecisionNumber::parse(&"号".repeat(129)).unwrap_err().0,
            "too_long"
        );
        assert_eq!(DecisionNumber::parse("a\u{0}b").unwrap_err().0, "character");
    }
}
