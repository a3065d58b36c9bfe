//! The `Allow` header of a 405 (RFC 9110 §15.5.6): the methods the route table serves at a path.

use super::ROUTES;

/// How a template matches a concrete path: `None`, or how many of its segments are literal.
fn literal_segments(template: &str, path: &str) -> Option<usize> {
    let (t, p): (Vec<&str>, Vec<&str>) = (
        template.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    if t.len() != p.len() {
        return None;
    }
    let mut literal = 0;
    for (t, p) in t.iter().zip(&p) {
        if t.starts_with('{') {
            if p.is_empty() {
                return None;
            }
        } else if t == p {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The methods served at `path`, from the templates that match it most specifically (so
/// `/entities/export.csv` allows only GET, not the PATCH of `/entities/{credit_code}`); HEAD
/// goes with GET.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    let matches: Vec<(usize, &'static str)> = ROUTES
        .iter()
        .filter_map(|(method, template)| literal_segments(template, path).map(|n| (n, *method)))
        .collect();
    let Some(best) = matches.iter().map(|(n, _)| *n).max() else {
        return Vec::new();
    };
    let mut methods: Vec<&'static str> = matches
        .into_iter()
        .filter(|(n, _)| *n == best)
        .map(|(_, m)| m)
        .collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.sort_unstable();
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_templates_decide() {
        assert_eq!(allowed_methods("/healthz"), ["GET", "HEAD"]);
        assert_eq!(allowed_methods("/api/v1/users"), ["GET", "HEAD", "POST"]);
        assert_eq!(allowed_methods("/api/v1/users/7"), ["PATCH"]);
        assert_eq!(
            allowed_methods("/api/v1/entities/export.csv"),
            ["GET", "HEAD"]
        );
        assert_eq!(
            allowed_methods("/api/v1/entities/91640104MA0000001X"),
            ["GET", "HEAD", "PATCH"]
        );
        assert_eq!(
            allowed_methods("/api/v1/calendar/days/2026-01-01"),
            ["GET", "HEAD"]
        );
        assert_eq!(allowed_methods("/api/v1/calendar/CN/2027"), ["PUT"]);
        assert_eq!(allowed_methods("/api/v1/auth/tokens"), ["POST"]);
        assert!(allowed_methods("/nowhere").is_empty());
    }
}
