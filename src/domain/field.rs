//! A problem with one named input field, as every parser in the domain reports it.

/// One invalid input field: which, a stable reason code, and a sentence for people, in English
/// (`message`) and in Chinese (`zh`: the site's own, else `i18n::generic`); the API sends one of
/// the two (`http::problem`). `confirmable`: a rule a clerk may knowingly override by sending
/// the same request with the code in `confirm` (serialised only when true).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
    #[serde(skip)]
    pub zh: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub confirmable: bool,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
            zh: crate::domain::i18n::generic(field, code),
            confirmable: false,
        }
    }

    /// This error with its Chinese sentence.
    pub fn zh(mut self, zh: impl Into<String>) -> Self {
        self.zh = zh.into();
        self
    }

    /// The sentence in `lang`.
    pub fn message_in(&self, lang: crate::domain::i18n::Lang) -> &str {
        match lang {
            crate::domain::i18n::Lang::Zh => &self.zh,
            crate::domain::i18n::Lang::En => &self.message,
        }
    }

    /// A soft rule's finding: the request succeeds when it is sent again with `code` confirmed.
    pub fn confirmable(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            confirmable: true,
            ..FieldError::new(field, code, message)
        }
    }
}

/// Collects field errors while a record is parsed, so every bad field is reported at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// As [`push`](Self::push), with the site's own Chinese sentence.
    pub fn say(
        &mut self,
        field: &str,
        code: &str,
        message: impl Into<String>,
        zh: impl Into<String>,
    ) {
        self.0.push(FieldError::new(field, code, message).zh(zh));
    }

    /// The parsed value, or `None` after recording its error.
    pub fn take<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
        code: impl Fn(&E) -> &'static str,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, code(&e), e.to_string());
                None
            }
        }
    }

    /// As [`take`](Self::take), with the error's own Chinese sentence.
    pub fn take_said<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
        code: impl Fn(&E) -> &'static str,
        zh: impl Fn(&E) -> String,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.say(field, code(&e), e.to_string(), zh(&e));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `field` has an error already (a later rule about it would only repeat it).
    pub fn has_field(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// What the one text rule refuses in any text a caller writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A control character (U+0000–U+001F, U+007F–U+009F, NUL included), or a line or paragraph
    /// separator (U+2028, U+2029), which no field of ours holds.
    Control,
    /// A bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): it makes
    /// text display in another order than it is stored ("Trojan source").
    Bidi,
    /// Nothing a reader can see: only spaces and invisible characters (zero-width space,
    /// joiners, BOM, soft hyphen…).
    Invisible,
}

impl TextProblem {
    pub fn code(self) -> &'static str {
        match self {
            TextProblem::Control => "character",
            TextProblem::Bidi => "bidi",
            TextProblem::Invisible => "invisible",
        }
    }

    pub fn message_zh(self, field: &str) -> String {
        let field = label(field);
        match self {
            TextProblem::Control => format!("{field}含有控制字符或换行以外的不可见字符"),
            TextProblem::Bidi => {
                format!("{field}含有改变文字显示方向的字符（U+202A–U+202E、U+2066–U+2069）")
            }
            TextProblem::Invisible => format!("{field}没有可见的文字"),
        }
    }

    pub fn message(self, field: &str) -> String {
        match self {
            TextProblem::Control => format!("{field} contains a control character"),
            TextProblem::Bidi => format!(
                "{field} contains a bidirectional override or isolate character (U+202A–U+202E, U+2066–U+2069)"
            ),
            TextProblem::Invisible => format!("{field} has no visible character"),
        }
    }
}

/// Characters that take no visible space: format characters and fillers.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// The one text rule, for every text field of every write path: no control character, no line
/// or paragraph separator, no bidirectional override, and at least one visible character.
pub fn check_text(text: &str) -> Result<(), TextProblem> {
    if text
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err(TextProblem::Control);
    }
    if text
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        return Err(TextProblem::Bidi);
    }
    if !text.chars().any(|c| !c.is_whitespace() && !invisible(c)) {
        return Err(TextProblem::Invisible);
    }
    Ok(())
}

/// A field's Chinese name for a sentence (its API name when it has none).
fn label(field: &str) -> &str {
    match crate::domain::i18n::field_label(field) {
        "" => field,
        l => l,
    }
}

/// A required, trimmed text of at most `max` characters that passes [`check_text`].
pub fn required_text(
    errors: &mut Errors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    match optional_text(errors, field, value, max) {
        Some(Some(v)) => Some(v),
        Some(None) => {
            errors.say(
                field,
                "required",
                format!("{field} is required"),
                format!("请填写{}", label(field)),
            );
            None
        }
        None => None,
    }
}

/// An optional text: empty or blank is `None`; `Some(None)` means present but absent,
/// the outer `None` that it was invalid (and recorded).
pub fn optional_text(
    errors: &mut Errors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<Option<String>> {
    // A line break inside a spreadsheet cell is layout, not content: it becomes one space.
    let v: Vec<&str> = value
        .unwrap_or("")
        .split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if v.is_empty() {
        return Some(None);
    }
    let v = v.join(" ");
    if let Err(p) = check_text(&v) {
        errors.say(field, p.code(), p.message(field), p.message_zh(field));
        return None;
    }
    let n = v.chars().count();
    if n > max {
        errors.say(
            field,
            "too_long",
            format!("{field} has {n} characters, at most {max} are allowed"),
            format!("{}有 {n} 个字，最多 {max} 个字", label(field)),
        );
        return None;
    }
    Some(Some(v))
}

/// A list written as one text, separated by `;`, `；`, `,`, `，`, `、` or new lines;
/// blank items dropped, duplicates kept once, order kept.
pub fn split_list(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in value.split([';', '；', ',', '，', '、', '\n']) {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// `YYYY-MM-DD` (also `YYYY/MM/DD`, the form spreadsheets and the 双公示 layout write).
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(s, f).ok())
}

/// A stable code: 2 to `max` lower-case ASCII letters, digits or `_`, starting with a letter.
pub fn is_code(s: &str, max: usize) -> bool {
    (2..=max).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_chinese_and_ascii_separators() {
        assert_eq!(split_list("a; b；c、a,,"), vec!["a", "b", "c"]);
        assert!(split_list(" ; ").is_empty());
    }

    #[test]
    fn text_rules_report_each_problem() {
        let mut e = Errors::default();
        assert_eq!(required_text(&mut e, "name", Some("  "), 5), None);
        assert_eq!(required_text(&mut e, "name", Some("abcdef"), 5), None);
        assert_eq!(required_text(&mut e, "name", Some("a\u{7}"), 5), None);
        assert_eq!(
            required_text(&mut e, "name", Some(" 星光 "), 5),
            Some("星光".into())
        );
        let codes: Vec<_> = e.into_vec().into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["required", "too_long", "character"]);
    }

    #[test]
    fn the_text_rule_refuses_what_cannot_be_stored_or_seen() {
        for (text, problem) in [
            ("a\u{0}b", TextProblem::Control),
            ("a\u{1}b", TextProblem::Control),
            ("a\u{7f}b", TextProblem::Control),
            ("a\u{85}b", TextProblem::Control),
            ("a\u{2028}b", TextProblem::Control),
            ("a\u{2029}b", TextProblem::Control),
            ("星光\u{202E}吧网", TextProblem::Bidi),
            ("a\u{2066}b\u{2069}", TextProblem::Bidi),
            ("\u{202E}\u{200B}", TextProblem::Bidi),
            ("\u{200B}", TextProblem::Invisible),
            ("\u{200B}\u{FEFF}\u{2060}", TextProblem::Invisible),
            ("\u{3000}\u{00AD}", TextProblem::Invisible),
            ("", TextProblem::Invisible),
        ] {
            assert_eq!(check_text(text), Err(problem), "{text:?}");
        }
        for ok in ["银川星光网吧", "KTV", "a\u{200D}b", "第1号", "·"] {
            assert_eq!(check_text(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn optional_text_applies_the_rule_too() {
        let mut e = Errors::default();
        assert_eq!(optional_text(&mut e, "address", Some("\u{200B}"), 50), None);
        assert_eq!(optional_text(&mut e, "address", Some(""), 50), Some(None));
        let codes: Vec<_> = e.into_vec().into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["invisible"]);
    }
}
