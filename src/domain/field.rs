//! A problem with one named input field, as every parser in the domain reports it.

/// One invalid input field: which, a stable reason code, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message.into(),
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

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
}

/// A required, trimmed text of at most `max` characters without control characters.
pub fn required_text(
    errors: &mut Errors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    match optional_text(errors, field, value, max) {
        Some(Some(v)) => Some(v),
        Some(None) => {
            errors.push(field, "required", format!("{field} is required"));
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
    if v.chars().any(char::is_control) {
        errors.push(
            field,
            "character",
            format!("{field} contains a control character"),
        );
        return None;
    }
    let n = v.chars().count();
    if n > max {
        errors.push(
            field,
            "too_long",
            format!("{field} has {n} characters, at most {max} are allowed"),
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
}
