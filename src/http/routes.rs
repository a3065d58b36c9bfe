//! The route table: every route the router serves, as `(method, path template, audience)`. The
//! audience is the one answer to "who is this route for?": the request pipeline
//! (`http::middleware`) looks it up once per request and lets it decide CORS, the rate limit, the
//! ETag and the public answer cache, and `Cache-Control: no-store` (later the console's cookies,
//! CSRF and content-security policy). Nothing else decides an audience: no path prefix is ever
//! matched for it. `tests/api/openapi.rs` checks this table, the router and
//! `api-spec/openapi.yaml` against each other.

use warp::http::Method;

/// Who a route is for, and so how the pipeline treats its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Public data for portals and the public: no token; readable from other sites (CORS),
    /// limited per client, tagged (`ETag`, `Cache-Control: public`) and, for GET and HEAD, kept
    /// in memory per data version.
    Public,
    /// The staff API: a bearer token and a role. `no-store`, no CORS, no per-client limit (the
    /// login has its own throttle); a successful write makes the public data version stale.
    Staff,
    /// The staff console's pages (HTML, a session cookie and a CSRF token on every form that
    /// writes, `http::console`): `no-store`, no CORS, no per-client limit (its sign-in has the
    /// login's throttle), a strict content-security policy, never framed.
    Console,
    /// Fixed content built into the binary for other sites (the widget and its demo page, the API
    /// description and its page): treated as public answers.
    Asset,
    /// This instance's health, for a load balancer or a monitor: answered live every time,
    /// `no-store`, no CORS, never limited (a probe must not be refused for probing).
    Probe,
}

impl Audience {
    /// Its answers may be read by a page of another site (CORS headers and preflights).
    pub fn shared_with_other_sites(self) -> bool {
        matches!(self, Audience::Public | Audience::Asset)
    }

    /// Each client is limited to a rate of requests (429 before any work).
    pub fn rate_limited(self) -> bool {
        matches!(self, Audience::Public | Audience::Asset)
    }

    /// A successful answer carries an `ETag` and `Cache-Control: public, max-age`, answers 304 to
    /// a matching `If-None-Match`, and (GET and HEAD) is kept per data version.
    pub fn tagged(self) -> bool {
        matches!(self, Audience::Public | Audience::Asset)
    }

    /// No cache may keep its answers (they hold private data, a token, or live state).
    pub fn no_store(self) -> bool {
        matches!(self, Audience::Staff | Audience::Console | Audience::Probe)
    }

    /// Its answers are staff pages: a strict content-security policy (no inline script or
    /// style, nothing from another site), never framed, no referrer sent on.
    pub fn confined(self) -> bool {
        matches!(self, Audience::Console)
    }

    /// Its writes can change what the public sees: a successful one makes the known data version
    /// stale before its answer leaves.
    pub fn writes_public_data(self) -> bool {
        matches!(self, Audience::Staff | Audience::Console)
    }
}

/// One route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE` (a GET route serves HEAD too).
    pub method: &'static str,
    /// The path with `{name}` for each variable segment.
    pub template: &'static str,
    pub audience: Audience,
}

const fn public(method: &'static str, template: &'static str) -> Route {
    Route {
        method,
        template,
        audience: Audience::Public,
    }
}

const fn staff(method: &'static str, template: &'static str) -> Route {
    Route {
        method,
        template,
        audience: Audience::Staff,
    }
}

const fn console(method: &'static str, template: &'static str) -> Route {
    Route {
        method,
        template,
        audience: Audience::Console,
    }
}

const fn asset(template: &'static str) -> Route {
    Route {
        method: "GET",
        template,
        audience: Audience::Asset,
    }
}

/// Every route the router serves.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        template: "/healthz",
        audience: Audience::Probe,
    },
    public("GET", "/api/v1/meta"),
    asset("/api/v1/openapi.yaml"),
    asset("/api/v1/openapi.json"),
    asset("/docs"),
    asset("/embed/v1/penalties.js"),
    asset("/embed/demo.html"),
    // The staff console (issue 28): pages for people, on the same service functions.
    console("GET", "/"),
    console("GET", "/console"),
    console("GET", "/console/login"),
    console("POST", "/console/login"),
    console("POST", "/console/logout"),
    console("GET", "/console/text-size"),
    console("GET", "/console/penalties"),
    console("POST", "/console/penalties"),
    console("GET", "/console/penalties/new"),
    console("GET", "/console/penalties/import"),
    console("POST", "/console/penalties/import"),
    console("POST", "/console/penalties/import/{upload}"),
    console("GET", "/console/penalties/{id}"),
    console("GET", "/console/penalties/{id}/preview"),
    console("GET", "/console/penalties/{id}/edit"),
    console("POST", "/console/penalties/{id}/edit"),
    console("POST", "/console/penalties/{id}/{step}"),
    console("GET", "/console/entities"),
    console("GET", "/console/entities/{code}"),
    console("GET", "/console/inspectors"),
    console("GET", "/console/inspectors/{id}"),
    asset("/console/assets/{name}"),
    staff("POST", "/api/v1/auth/tokens"),
    staff("DELETE", "/api/v1/auth/tokens/current"),
    staff("GET", "/api/v1/users"),
    staff("POST", "/api/v1/users"),
    staff("PATCH", "/api/v1/users/{id}"),
    staff("POST", "/api/v1/users/{id}/revoke-tokens"),
    staff("GET", "/api/v1/audit"),
    public("GET", "/api/v1/calendar/days/{date}"),
    public("GET", "/api/v1/calendar/add-workdays"),
    public("GET", "/api/v1/calendar/workdays-between"),
    public("GET", "/api/v1/calendar/years/{year}"),
    public("GET", "/api/v1/calendar/coverage"),
    public("GET", "/api/v1/calendar/today"),
    staff("PUT", "/api/v1/calendar/{region}/{year}"),
    public("GET", "/api/v1/credit-codes/{code}"),
    public("GET", "/api/v1/public/entities"),
    public("GET", "/api/v1/public/entities/{credit_code}"),
    public("GET", "/api/v1/public/inspectors"),
    public("GET", "/api/v1/public/categories"),
    staff("POST", "/api/v1/categories"),
    // Portals read the authorities to offer a 处罚机关 filter; only writing them is staff work.
    public("GET", "/api/v1/authorities"),
    staff("POST", "/api/v1/authorities"),
    staff("PATCH", "/api/v1/authorities/{id}"),
    staff("GET", "/api/v1/authorities/{id}/numbers"),
    staff("GET", "/api/v1/penalties"),
    staff("POST", "/api/v1/penalties"),
    staff("GET", "/api/v1/penalties/deadlines"),
    staff("GET", "/api/v1/penalties/export.csv"),
    staff("GET", "/api/v1/penalties/{id}"),
    staff("PATCH", "/api/v1/penalties/{id}"),
    staff("POST", "/api/v1/penalties/{id}/submit"),
    staff("POST", "/api/v1/penalties/{id}/approve"),
    staff("POST", "/api/v1/penalties/{id}/reject"),
    staff("POST", "/api/v1/penalties/{id}/publish"),
    staff("POST", "/api/v1/penalties/{id}/withdraw"),
    staff("POST", "/api/v1/penalties/{id}/repair"),
    staff("POST", "/api/v1/penalties/{id}/discard"),
    public("GET", "/api/v1/public/penalties"),
    public("GET", "/api/v1/public/penalties/{id}"),
    public("GET", "/api/v1/public/penalties.csv"),
    public("GET", "/api/v1/public/penalties/feed.atom"),
    // The independent draw computation: public, computes, writes nothing.
    public("POST", "/api/v1/public/draws/rfc3797"),
    public("GET", "/api/v1/public/inspection-items"),
    public("GET", "/api/v1/public/inspection-items/{id}"),
    public("GET", "/api/v1/public/inspection-items/{id}/versions"),
    public(
        "GET",
        "/api/v1/public/inspection-items/{id}/versions/{version}",
    ),
    public("GET", "/api/v1/public/plans"),
    public("GET", "/api/v1/public/plans/{id}"),
    public("GET", "/api/v1/public/plans/{id}/bundle"),
    public("GET", "/api/v1/public/plans/{id}/selections"),
    staff("GET", "/api/v1/plans"),
    staff("POST", "/api/v1/plans"),
    staff("GET", "/api/v1/plans/deadlines"),
    staff("GET", "/api/v1/plans/{id}"),
    staff("POST", "/api/v1/plans/{id}/announce"),
    staff("POST", "/api/v1/plans/{id}/draw"),
    staff("POST", "/api/v1/plans/{id}/results"),
    staff("POST", "/api/v1/plans/{id}/complete"),
    staff("POST", "/api/v1/plans/{id}/publish-results"),
    staff("POST", "/api/v1/plans/{id}/void"),
    staff("POST", "/api/v1/inspection-items"),
    staff("PATCH", "/api/v1/inspection-items/{id}"),
    staff("GET", "/api/v1/entities"),
    staff("POST", "/api/v1/entities"),
    staff("GET", "/api/v1/entities/export.csv"),
    staff("GET", "/api/v1/entities/{credit_code}"),
    staff("PATCH", "/api/v1/entities/{credit_code}"),
    staff("POST", "/api/v1/entities/{credit_code}/deregister"),
    staff("GET", "/api/v1/entities/{credit_code}/history"),
    staff("POST", "/api/v1/imports/entities"),
    staff("POST", "/api/v1/imports/inspectors"),
    staff("POST", "/api/v1/imports/penalties"),
    staff("POST", "/api/v1/imports/penalties/{import_id}/publish"),
    staff("GET", "/api/v1/inspectors"),
    staff("POST", "/api/v1/inspectors"),
    staff("GET", "/api/v1/inspectors/{id}"),
    staff("PATCH", "/api/v1/inspectors/{id}"),
    staff("GET", "/api/v1/inspectors/{id}/conflicts"),
    staff("POST", "/api/v1/inspectors/{id}/conflicts"),
    staff(
        "POST",
        "/api/v1/inspectors/{id}/conflicts/{conflict_id}/remove",
    ),
];

/// How a template matches a concrete path: `None`, or how many of its segments are literal. Both
/// are split as the router splits a path ([`Segments`]: one trailing `/` ignored) and compared
/// by [`matches`], the router's own comparison (for `allowed_methods` and the tests).
fn literal_segments(template: &str, path: &str) -> Option<usize> {
    matches(
        Segments::of(template)?.as_slice(),
        Segments::of(path)?.as_slice(),
    )
}

/// The route serving `method` at `path`: of the templates that match, the most specific (so
/// `GET /api/v1/penalties/deadlines` is the report, not a decision's id). HEAD is served by the
/// GET route. Runs on every request, so the path is split once and looked up in an index built
/// once ([`Index`]), which leaves the few templates of the same method, length and first
/// segments to compare.
pub fn find(method: &Method, path: &str) -> Option<&'static Route> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let segments = Segments::of(path)?;
    let index = INDEX.get_or_init(Index::build);
    let bucket = index.buckets.get(&Index::key(method, segments.as_slice()));
    bucket
        .into_iter()
        .flatten()
        .chain(index.unkeyed.iter())
        .filter(|(r, _)| r.method == method)
        .filter_map(|(r, template)| matches(template, segments.as_slice()).map(|n| (n, *r)))
        .max_by_key(|(n, _)| *n)
        .map(|(_, r)| r)
}

/// The most segments a path may have to be served (no template has more).
const MAX_SEGMENTS: usize = 8;

/// A path's segments as the router reads it (one trailing `/` ignored), on the stack.
struct Segments<'a> {
    parts: [&'a str; MAX_SEGMENTS],
    len: usize,
}

impl<'a> Segments<'a> {
    /// `None` for a path that does not begin with `/` or has more segments than any template.
    fn of(path: &'a str) -> Option<Segments<'a>> {
        let path = path.strip_prefix('/')?;
        let path = path.strip_suffix('/').unwrap_or(path);
        let mut out = Segments {
            parts: [""; MAX_SEGMENTS],
            len: 0,
        };
        for part in path.split('/') {
            *out.parts.get_mut(out.len)? = part;
            out.len += 1;
        }
        Some(out)
    }

    fn as_slice(&self) -> &[&'a str] {
        &self.parts[..self.len]
    }
}

/// How a template (split once) matches a path's segments: `None`, or how many of its segments
/// are literal. A variable matches any segment but an empty one (`//`).
fn matches(template: &[&str], path: &[&str]) -> Option<usize> {
    if template.len() != path.len() {
        return None;
    }
    let mut literal = 0;
    for (t, p) in template.iter().zip(path) {
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

/// How many leading segments key the index.
const KEYED_SEGMENTS: usize = 3;

/// Each route with its template split, by a hash of (method, number of segments, the first
/// [`KEYED_SEGMENTS`] segments); a template with a variable among those is `unkeyed` and always
/// compared.
struct Index {
    buckets: std::collections::HashMap<u64, Vec<(&'static Route, Vec<&'static str>)>>,
    unkeyed: Vec<(&'static Route, Vec<&'static str>)>,
}

static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();

impl Index {
    fn build() -> Index {
        let mut index = Index {
            buckets: Default::default(),
            unkeyed: Vec::new(),
        };
        for r in ROUTES {
            let template: Vec<&'static str> =
                r.template.trim_start_matches('/').split('/').collect();
            assert!(template.len() <= MAX_SEGMENTS, "{r:?} is too long");
            if template
                .iter()
                .take(KEYED_SEGMENTS)
                .any(|s| s.starts_with('{'))
            {
                index.unkeyed.push((r, template));
            } else {
                let key = Index::key(r.method, &template);
                index.buckets.entry(key).or_default().push((r, template));
            }
        }
        index
    }

    fn key(method: &str, segments: &[&str]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        method.hash(&mut h);
        segments.len().hash(&mut h);
        for s in segments.iter().take(KEYED_SEGMENTS) {
            s.hash(&mut h);
        }
        h.finish()
    }
}

/// The audience of `method` at `path`, if a route serves it.
pub fn audience(method: &Method, path: &str) -> Option<Audience> {
    find(method, path).map(|r| r.audience)
}

/// The methods served at `path` (the `Allow` header of a 405, RFC 9110 §15.5.6), from the
/// templates that match it most specifically (so `/entities/export.csv` allows only GET, not the
/// PATCH of `/entities/{credit_code}`); HEAD goes with GET.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    let matches: Vec<(usize, &'static str)> = ROUTES
        .iter()
        .filter_map(|r| literal_segments(r.template, path).map(|n| (n, r.method)))
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
    fn the_most_specific_templates_decide_the_allowed_methods() {
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

    #[test]
    fn the_table_decides_each_audience() {
        use Audience::*;
        for (m, p, audience) in [
            (Method::GET, "/api/v1/public/penalties", Some(Public)),
            (Method::HEAD, "/api/v1/public/plans/1", Some(Public)),
            (
                Method::GET,
                "/api/v1/public/penalties/feed.atom",
                Some(Public),
            ),
            (
                Method::GET,
                "/api/v1/calendar/days/2026-10-01",
                Some(Public),
            ),
            (Method::PUT, "/api/v1/calendar/CN/2027", Some(Staff)),
            (
                Method::GET,
                "/api/v1/credit-codes/91640100MA76A1B2C3",
                Some(Public),
            ),
            (Method::POST, "/api/v1/public/draws/rfc3797", Some(Public)),
            (Method::POST, "/api/v1/public/plans", None),
            (Method::GET, "/api/v1/penalties", Some(Staff)),
            (Method::GET, "/api/v1/penalties/deadlines", Some(Staff)),
            (Method::GET, "/api/v1/users", Some(Staff)),
            (Method::GET, "/api/v1/publicity", None),
            (Method::GET, "/api/v1/authorities", Some(Public)),
            (Method::POST, "/api/v1/authorities", Some(Staff)),
            (Method::PATCH, "/api/v1/authorities/3", Some(Staff)),
            (Method::GET, "/embed/v1/penalties.js", Some(Asset)),
            (Method::GET, "/docs", Some(Asset)),
            (Method::GET, "/healthz", Some(Probe)),
            (Method::GET, "/api/v1/meta", Some(Public)),
            (Method::OPTIONS, "/api/v1/public/penalties", None),
            (Method::DELETE, "/api/v1/public/penalties", None),
            // As the router reads paths: a trailing slash is the same route, a `//` none.
            (Method::GET, "/api/v1/public/penalties/", Some(Public)),
            (Method::GET, "//api/v1/public/penalties", None),
            (Method::GET, "/api/v1//public/penalties", None),
        ] {
            assert_eq!(super::audience(&m, p), audience, "{m} {p}");
        }
    }

    #[test]
    fn each_route_is_listed_once_and_each_template_is_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.template)), "{r:?} twice");
            assert!(r.template.starts_with('/'), "{r:?}");
            assert!(
                ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&r.method),
                "{r:?}"
            );
            // Each route is found by its own template (no other one shadows it), through the
            // index as through a scan of every template.
            let concrete = r.template.replace('{', "x").replace('}', "");
            let found = find(&Method::from_bytes(r.method.as_bytes()).unwrap(), &concrete);
            assert_eq!(found, Some(r), "{r:?} is not found by its own path");
            let scanned = ROUTES
                .iter()
                .filter(|s| s.method == r.method)
                .filter_map(|s| literal_segments(s.template, &concrete).map(|n| (n, s)))
                .max_by_key(|(n, _)| *n)
                .map(|(_, s)| s);
            assert_eq!(found, scanned, "{concrete}");
        }
    }
}
