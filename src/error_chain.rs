//! One way to print an error with its causes, for the log and for the command line.

/// `e: cause: cause's cause …`.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn every_cause_is_named_once() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(error_chain(&e), "outer: disk full");
    }
}
