//! `api-spec/openapi.yaml`, the route table and the router must agree.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::spawn_app;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api-spec/openapi.yaml"
    ))
    .unwrap();
    serde_yaml_ng::from_str(&text).expect("openapi.yaml is valid YAML")
}

fn spec_routes(spec: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn the_spec_is_openapi_3_1_and_lists_exactly_the_route_table() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    // The console's pages are HTML for people (docs/console.md), not operations of the API.
    let table: BTreeSet<(String, String)> = gongshi::http::routes::ROUTES
        .iter()
        .filter(|r| r.audience != gongshi::http::routes::Audience::Console)
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    let documented = spec_routes(&spec);
    let undocumented: Vec<_> = table.difference(&documented).collect();
    let phantom: Vec<_> = documented.difference(&table).collect();
    assert!(
        undocumented.is_empty(),
        "served but missing from openapi.yaml: {undocumented:?}"
    );
    assert!(
        phantom.is_empty(),
        "in openapi.yaml but not served: {phantom:?}"
    );
}

#[test]
fn every_operation_documents_a_success_and_its_problems() {
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let responses = op["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{m} {path} has responses"));
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{m} {path} documents a 2xx"
            );
            assert!(
                op["operationId"].is_string(),
                "{m} {path} has an operationId"
            );
        }
    }
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg {
            "{date}" => "2026-02-14",
            "{year}" => "2026",
            "{region}" => "CN",
            s if s.starts_with('{') => "1",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Each documented route is really served (no `unknown-route`, no 405), and each documented
/// path refuses the methods the spec does not list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_router_serves_what_the_spec_documents_and_nothing_else_on_those_paths() {
    let app = spawn_app().await;
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            let method = reqwest::Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let res = app
                .client
                .request(method, app.url(&concrete(path)))
                .bearer_auth(&app.admin_token)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            let unknown = body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("unknown-route"));
            if item.get(m).is_some() {
                assert!(
                    status != 405 && !unknown,
                    "{m} {path} is documented but not served: {status} {body}"
                );
            } else {
                assert_eq!(
                    status, 405,
                    "{m} {path} is served but not documented: {body}"
                );
            }
        }
    }
    app.stop().await;
}

// --- completeness of the spec (issue 14): bounds, examples, Chinese labels, problems, caching ---

/// The node a local `$ref` (`#/components/…`) names, followed until it is no reference.
fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not a local reference"));
        node = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{r} names nothing in openapi.yaml"));
    }
    panic!("a $ref chain longer than 16")
}

/// Every operation: (method, path, operation).
fn operations(spec: &Value) -> Vec<(&'static str, &str, &Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m, path.as_str(), op));
            }
        }
    }
    out
}

/// An operation's parameters (its path item's too), references resolved.
fn parameters<'a>(spec: &'a Value, path: &str, op: &'a Value) -> Vec<&'a Value> {
    let item = &spec["paths"][path];
    [&item["parameters"], &op["parameters"]]
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(spec, p))
        .collect()
}

fn label_of(node: &Value) -> Option<&str> {
    node.get("x-label-zh")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// The places under `node` that name a property but have no Chinese label: every `properties`
/// map, at any depth (inline objects, `items`, `allOf`/`oneOf`/`anyOf` members, nested objects).
/// Example values and enumerations are data, not schemas, and are skipped.
fn unlabelled_properties(node: &Value, at: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                if matches!(
                    k.as_str(),
                    "example" | "examples" | "enum" | "const" | "default"
                ) {
                    continue;
                }
                if k == "properties" {
                    if let Some(props) = v.as_object() {
                        for (name, schema) in props {
                            if label_of(schema).is_none() {
                                out.push(format!("{at}/properties/{name}"));
                            }
                            unlabelled_properties(schema, &format!("{at}/properties/{name}"), out);
                        }
                        continue;
                    }
                }
                unlabelled_properties(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                unlabelled_properties(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_and_every_parameter_has_its_chinese_label() {
    let spec = spec();
    let mut missing = Vec::new();
    unlabelled_properties(&spec["paths"], "#/paths", &mut missing);
    unlabelled_properties(&spec["components"], "#/components", &mut missing);
    let mut params = 0;
    for (m, path, op) in operations(&spec) {
        for p in parameters(&spec, path, op) {
            params += 1;
            if label_of(p).is_none() {
                missing.push(format!("{m} {path} parameter {}", p["name"]));
            }
        }
    }
    for (name, p) in spec["components"]["parameters"].as_object().unwrap() {
        if label_of(p).is_none() {
            missing.push(format!("#/components/parameters/{name}"));
        }
    }
    assert!(
        params > 50,
        "only {params} parameters found: is the walk right?"
    );
    assert!(missing.is_empty(), "no x-label-zh: {missing:#?}");

    // The walk really looks inside nested schemas: a property deep in an inline object is found.
    let mut probe = Vec::new();
    let nested = serde_json::json!({"allOf": [{"properties": {"a": {"x-label-zh": "甲",
        "items": {"properties": {"b": {"type": "string"}}}}}}]});
    unlabelled_properties(&nested, "#", &mut probe);
    assert_eq!(probe, ["#/allOf/0/properties/a/items/properties/b"]);
}

/// The penalty fields keep the 双公示 layout's own column names (DESIGN §7), in the staff view,
/// the public view and the input alike.
#[test]
fn penalty_fields_carry_the_national_layouts_column_names() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    let layout: std::collections::BTreeMap<&str, &str> = gongshi::io::penalties_csv::LAYOUT
        .iter()
        .map(|(field, zh, _)| (*field, *zh))
        .collect();
    let mut checked = 0;
    for schema in [
        "Penalty",
        "PublicPenalty",
        "PenaltyInput",
        "PenaltyPatch",
        "OtherCodes",
    ] {
        for (name, prop) in schemas[schema]["properties"].as_object().unwrap() {
            if let Some(zh) = layout.get(name.as_str()) {
                checked += 1;
                assert_eq!(
                    label_of(prop),
                    Some(*zh),
                    "{schema}.{name} is 「{zh}」 in the national layout"
                );
            }
        }
    }
    assert!(checked > 40, "only {checked} layout fields found");
}

/// Whether the route table's audience for an operation is tagged (`Audience::tagged`: public
/// data and assets): CORS, ETag, rate limit.
fn public(method: &str, path: &str) -> bool {
    let m = warp::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    gongshi::http::routes::audience(&m, &concrete(path)).is_some_and(|a| a.tagged())
}

fn documents_if_none_match(spec: &Value, path: &str, op: &Value) -> bool {
    parameters(spec, path, op)
        .iter()
        .any(|p| p["in"] == "header" && p["name"].as_str() == Some("If-None-Match"))
}

#[test]
fn public_operations_document_their_cache_headers_304_and_429() {
    let spec = spec();
    let mut public_gets = 0;
    for (m, path, op) in operations(&spec) {
        let responses = &op["responses"];
        if !public(m, path) {
            // Only the public group gets a tag, a 304 or the per-client limit.
            assert!(responses.get("304").is_none(), "{m} {path} is never 304");
            assert!(
                !documents_if_none_match(&spec, path, op),
                "{m} {path} ignores If-None-Match"
            );
            if let Some(r) = responses.get("429") {
                assert_ne!(
                    r["$ref"], "#/components/responses/RateLimited",
                    "{m} {path} is not rate-limited"
                );
            }
            continue;
        }
        let ok = resolve(&spec, &responses["200"]);
        for (name, component) in [("ETag", "ETag"), ("Cache-Control", "CacheControl")] {
            assert_eq!(
                ok["headers"][name]["$ref"],
                format!("#/components/headers/{component}"),
                "{m} {path}: its 200 names the {name} header"
            );
        }
        assert_eq!(
            responses["429"]["$ref"], "#/components/responses/RateLimited",
            "{m} {path} is rate-limited per client: 429"
        );
        if m == "get" {
            public_gets += 1;
            assert_eq!(
                responses["304"]["$ref"], "#/components/responses/NotModified",
                "{m} {path}: 304 for a matching If-None-Match"
            );
            assert!(
                documents_if_none_match(&spec, path, op),
                "{m} {path} takes If-None-Match"
            );
            for p in parameters(&spec, path, op) {
                if p["name"] == "If-None-Match" {
                    assert_ne!(p["required"], true, "{m} {path}: If-None-Match is optional");
                }
            }
        }
    }
    assert!(public_gets >= 20, "only {public_gets} public GETs");

    // The shared pieces say what the server sends: 304 has no body, 429 is a problem with
    // Retry-After, the headers are required (every public 200 carries them).
    let c = &spec["components"];
    assert!(c["responses"]["NotModified"].get("content").is_none());
    assert_eq!(
        c["responses"]["RateLimited"]["headers"]["Retry-After"]["$ref"],
        "#/components/headers/RetryAfter"
    );
    assert_eq!(
        c["responses"]["RateLimited"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    for h in ["ETag", "CacheControl", "RetryAfter"] {
        assert_eq!(c["headers"][h]["required"], true, "{h}");
    }
    let etag = c["headers"]["ETag"]["schema"]["pattern"].as_str().unwrap();
    let sample = gongshi::http::middleware::etag::of(b"{\"items\":[]}");
    assert_eq!(sample.len(), 34);
    assert_eq!(etag, "^\"[0-9a-f]{32}\"$", "the pattern describes {sample}");
}

/// A response's examples: `example`, or `examples` whose entries hold a `value` (or name a
/// `components/examples` entry that does), on the media type or its schema.
fn has_example(spec: &Value, media: &Value) -> bool {
    let named = |node: &Value| {
        node.get("examples")
            .and_then(Value::as_object)
            .is_some_and(|m| {
                !m.is_empty() && m.values().all(|e| resolve(spec, e).get("value").is_some())
            })
    };
    let schema = resolve(spec, &media["schema"]);
    media.get("example").is_some()
        || named(media)
        || schema.get("example").is_some()
        || schema
            .get("examples")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
}

#[test]
fn every_success_and_the_problem_schema_have_an_example() {
    let spec = spec();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (m, path, op) in operations(&spec) {
        for (code, response) in op["responses"].as_object().unwrap() {
            if !code.starts_with('2') {
                continue;
            }
            let response = resolve(&spec, response);
            // 204 and other answers without a body have nothing to show.
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media_type, media) in content {
                checked += 1;
                if !has_example(&spec, media) {
                    missing.push(format!("{m} {path} {code} {media_type}"));
                }
            }
        }
    }
    assert!(checked > 70, "only {checked} success bodies");
    assert!(missing.is_empty(), "no example: {missing:#?}");
    let problem = &spec["components"]["schemas"]["Problem"];
    assert!(
        problem["examples"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "the Problem schema has examples"
    );
    for name in [
        "Problem",
        "RateLimited",
        "ImportRefused",
        "CalendarNotLoaded",
    ] {
        let r = &spec["components"]["responses"][name];
        for media in r["content"].as_object().unwrap().values() {
            assert!(has_example(&spec, media), "components/responses/{name}");
        }
    }
}

#[test]
fn the_problem_type_enum_is_every_slug_and_nothing_else() {
    use gongshi::http::problem::SLUGS;
    let spec = spec();
    let listed: BTreeSet<&str> = SLUGS.iter().copied().collect();
    assert_eq!(listed.len(), SLUGS.len(), "SLUGS names a slug twice");
    let expected: BTreeSet<String> = SLUGS
        .iter()
        .map(|s| format!("urn:gongshi:problem:{s}"))
        .collect();
    let problem = &spec["components"]["schemas"]["Problem"];
    let documented: BTreeSet<String> = problem["properties"]["type"]["enum"]
        .as_array()
        .expect("Problem.type has an enum")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let undocumented: Vec<_> = expected.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&expected).collect();
    assert!(
        undocumented.is_empty(),
        "missing from the enum: {undocumented:?}"
    );
    assert!(
        unknown.is_empty(),
        "in the enum but not in SLUGS: {unknown:?}"
    );
    // The overview clients read lists every slug too.
    let description = spec["info"]["description"].as_str().unwrap();
    for slug in SLUGS {
        assert!(
            description.contains(&format!("`{slug}`")),
            "info.description does not name `{slug}`"
        );
    }
}

/// Every `.rs` file under `dir`.
fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
}

/// The slugs `src/` can emit: every `Problem::new(status, "slug", …)`, the conflict kinds and
/// the answers `bare_errors` writes for the HTTP parser. A slug passed any other way fails the
/// test, so a new way of making problems must be taught here.
fn emitted_slugs() -> BTreeSet<String> {
    use gongshi::service::ConflictKind;
    let mut files = Vec::new();
    sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    let mut out = BTreeSet::new();
    let mut via_kind = false;
    for (file, text) in &files {
        for (at, _) in text.match_indices("Problem::new(") {
            let args = &text[at + "Problem::new(".len()..];
            let second = args[args.find(',').unwrap() + 1..].trim_start();
            if let Some(rest) = second.strip_prefix('"') {
                out.insert(rest[..rest.find('"').unwrap()].to_string());
            } else if second.starts_with("kind.slug()") {
                via_kind = true;
            } else {
                panic!("{file}: a problem whose slug is not a literal: Problem::new({second:.60}");
            }
        }
        if text.contains("urn:gongshi:problem:") {
            assert!(
                file.ends_with("http/problem.rs") || file.ends_with("bare_errors.rs"),
                "{file} writes a problem type itself; build it with Problem::new"
            );
        }
    }
    assert!(
        via_kind,
        "the conflicts' slugs come from ConflictKind::slug"
    );
    // Exhaustive: a new kind does not compile here until it is listed.
    let kinds = [
        ConflictKind::StaleVersion,
        ConflictKind::Duplicate,
        ConflictKind::InvalidTransition,
        ConflictKind::Concurrent,
        ConflictKind::LastAdmin,
        ConflictKind::NotPublishable,
    ];
    for kind in kinds {
        match kind {
            ConflictKind::StaleVersion
            | ConflictKind::Duplicate
            | ConflictKind::InvalidTransition
            | ConflictKind::Concurrent
            | ConflictKind::LastAdmin
            | ConflictKind::NotPublishable => out.insert(kind.slug().to_string()),
        };
    }
    for head in [
        "400 Bad Request",
        "414 URI Too Long",
        "431 Request Header Fields Too Large",
    ] {
        let bare = format!("HTTP/1.1 {head}\r\ncontent-length: 0\r\n\r\n");
        let answer = gongshi::http::bare_errors::rewrite(bare.as_bytes()).expect("rewritten");
        let answer = String::from_utf8(answer).unwrap();
        let body: Value = serde_json::from_str(&answer[answer.find("\r\n\r\n").unwrap() + 4..])
            .expect("a JSON body");
        let slug = body["type"]
            .as_str()
            .unwrap()
            .strip_prefix("urn:gongshi:problem:");
        out.insert(slug.unwrap().to_string());
    }
    // The answer to a connection past the cap, written before any request is read.
    let answer = String::from_utf8(gongshi::http::bare_errors::too_many_connections()).unwrap();
    let body: Value =
        serde_json::from_str(&answer[answer.find("\r\n\r\n").unwrap() + 4..]).expect("JSON");
    out.insert(body["type"].as_str().unwrap()["urn:gongshi:problem:".len()..].to_string());
    out
}

#[test]
fn slugs_lists_exactly_the_slugs_the_sources_emit() {
    let emitted = emitted_slugs();
    let listed: BTreeSet<String> = gongshi::http::problem::SLUGS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let unlisted: Vec<_> = emitted.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&emitted).collect();
    assert!(
        unlisted.is_empty(),
        "emitted but missing from problem::SLUGS (and so from the spec): {unlisted:?}"
    );
    assert!(
        stale.is_empty(),
        "in problem::SLUGS but never emitted: {stale:?}"
    );
    // the rate limit's problem is among them
    assert!(gongshi::http::problem::rate_limited(1)
        .type_uri
        .ends_with(":rate-limited"));
}

#[test]
fn every_limit_parameter_has_the_bounds_the_service_enforces() {
    use gongshi::service::{audit, paging};
    let spec = spec();
    let mut checked = 0;
    for (m, path, op) in operations(&spec) {
        for p in parameters(&spec, path, op) {
            if p["name"] != "limit" {
                continue;
            }
            checked += 1;
            // The audit log pages by sequence number, up to audit::MAX_LIMIT at once; every
            // other listing by cursor (service::paging).
            let (max, default) = if path == "/api/v1/audit" {
                (audit::MAX_LIMIT, 100)
            } else {
                (paging::MAX_LIMIT, paging::DEFAULT_LIMIT)
            };
            let s = resolve(&spec, &p["schema"]);
            assert_eq!(s["type"], "integer", "{m} {path}");
            assert_eq!(s["minimum"], 1, "{m} {path}: limit is at least 1");
            assert_eq!(s["maximum"], max, "{m} {path}: limit is at most {max}");
            assert_eq!(s["default"], default, "{m} {path}");
        }
    }
    assert!(checked >= 8, "only {checked} limit parameters");
}

#[test]
fn staff_operations_document_the_bearer_scheme_401_and_403() {
    let spec = spec();
    let scheme = &spec["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert_eq!(spec["security"], serde_json::json!([{"bearer": []}]));
    let mut staff = 0;
    for (m, path, op) in operations(&spec) {
        let security = op.get("security").unwrap_or(&spec["security"]);
        let requirements = security.as_array().unwrap();
        for r in requirements {
            for name in r.as_object().unwrap().keys() {
                assert!(
                    spec["components"]["securitySchemes"].get(name).is_some(),
                    "{m} {path} names an unknown security scheme {name}"
                );
            }
        }
        if public(m, path) {
            assert!(requirements.is_empty(), "{m} {path} is public: no token");
        }
        if requirements.is_empty() {
            continue;
        }
        staff += 1;
        let responses = &op["responses"];
        assert!(
            responses.get("401").is_some(),
            "{m} {path}: 401 without a valid token"
        );
        // Signing out needs only a valid token; every other staff route asks for a role.
        if op["operationId"] != "signOut" {
            assert!(
                responses.get("403").is_some(),
                "{m} {path}: 403 for a role without the right"
            );
        }
    }
    assert!(staff > 50, "only {staff} staff operations");
}

/// Issue 23, finding 10: an enumerated query parameter (an `enum` or a boolean in the spec) sent
/// empty is refused with 400 naming it, on every GET that has one, never taken as "no filter".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_enumerated_query_parameter_is_refused_naming_it() {
    let app = crate::helpers::spawn_app().await;
    let spec = spec();
    let resolve = |p: &Value| -> Value {
        match p["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap();
                spec["components"]["parameters"][name].clone()
            }
            None => p.clone(),
        }
    };
    // The parameters a route needs besides the one under test.
    let base = |path: &str| match path {
        "/api/v1/calendar/add-workdays" => "from=2026-01-05&days=1&",
        "/api/v1/calendar/workdays-between" => "from=2026-01-05&to=2026-01-09&",
        _ => "",
    };
    let mut checked = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        if path.contains('{') && !path.starts_with("/api/v1/calendar/days") {
            continue;
        }
        let path = path.replace("{date}", "2026-01-05");
        for p in op["parameters"].as_array().into_iter().flatten() {
            let p = resolve(p);
            let schema = &p["schema"];
            let enumerated = schema.get("enum").is_some() || schema["type"] == "boolean";
            if p["in"] != "query" || !enumerated {
                continue;
            }
            let name = p["name"].as_str().unwrap();
            let mut base = base(&path).to_string();
            if name == "rule" {
                base = base.replace("days=1&", "");
            }
            let url = format!("{path}?{base}{name}=");
            let res = app.get_as(&app.admin_token, &url).await;
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            assert_eq!(status, 400, "{url}: {body}");
            assert!(
                body.to_string().contains(name),
                "{url} names {name}: {body}"
            );
            checked.push(url);
        }
    }
    assert!(checked.len() >= 10, "{checked:?}");
    app.stop().await;
}
