//! The `/docs` reference page: the OpenAPI document rendered as one static HTML page (every
//! operation grouped by tag, its parameters with bounds and Chinese labels, its request body and
//! responses, then every schema's fields). No script, no external stylesheet or font.

use std::fmt::Write;

use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

const STYLE: &str = "body{font:15px/1.5 system-ui,'PingFang SC','Microsoft YaHei',sans-serif;\
margin:0 auto;max-width:70rem;padding:1rem;color:#1a1a1a}\
h2{border-bottom:2px solid #b00;padding-bottom:.2rem;margin-top:2.5rem}\
section.op{border:1px solid #ccc;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}\
.m{display:inline-block;min-width:4.5rem;font-weight:bold;font-family:monospace}\
.get{color:#05a}.post{color:#080}.patch{color:#a60}.put{color:#a60}.delete{color:#b00}\
code,.path{font-family:ui-monospace,monospace}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}\
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}\
th{background:#f4f4f4}pre{white-space:pre-wrap;background:#f8f8f8;padding:.5rem}\
nav a{margin-right:1rem}";

/// The whole page for `spec` (an OpenAPI 3.1 document as JSON).
pub fn render(spec: &Value) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let title = spec["info"]["title"].as_str().unwrap_or("API");
    let _ = write!(
        out,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1>\
         <p>Version {v}. Machine-readable: <a href=\"/api/v1/openapi.yaml\">openapi.yaml</a>, \
         <a href=\"/api/v1/openapi.json\">openapi.json</a>.</p>",
        t = esc(title),
        v = esc(spec["info"]["version"].as_str().unwrap_or("")),
    );
    if let Some(d) = spec["info"]["description"].as_str() {
        let _ = write!(out, "<pre>{}</pre>", esc(d));
    }
    let tags = tag_order(spec);
    out.push_str("<nav>");
    for (tag, _) in &tags {
        let _ = write!(out, "<a href=\"#tag-{0}\">{0}</a>", esc(tag));
    }
    out.push_str("<a href=\"#schemas\">schemas</a></nav>");
    for (tag, description) in &tags {
        let _ = write!(out, "<h2 id=\"tag-{0}\">{0}", esc(tag));
        if !description.is_empty() {
            let _ = write!(out, " <small>{}</small>", esc(description));
        }
        out.push_str("</h2>");
        for (path, method, op) in operations(spec) {
            if first_tag(op) == tag.as_str() {
                operation(&mut out, spec, path, method, op);
            }
        }
    }
    schemas(&mut out, spec);
    out.push_str("</body></html>");
    out
}

/// The spec's tags in its order, then any tag an operation uses that the list lacks.
fn tag_order(spec: &Value) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = spec["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t["name"].as_str()?.to_string(),
                t["description"].as_str().unwrap_or("").to_string(),
            ))
        })
        .collect();
    for (_, _, op) in operations(spec) {
        let tag = first_tag(op);
        if !tags.iter().any(|(t, _)| t == tag) {
            tags.push((tag.to_string(), String::new()));
        }
    }
    tags
}

fn first_tag(op: &Value) -> &str {
    op["tags"][0].as_str().unwrap_or("other")
}

fn operations(spec: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = spec["paths"].as_object() {
        for (path, item) in paths {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push((path.as_str(), m, op));
                }
            }
        }
    }
    out
}

fn operation(out: &mut String, spec: &Value, path: &str, method: &str, op: &Value) {
    let id = op["operationId"].as_str().unwrap_or("");
    let _ = write!(
        out,
        "<section class=\"op\" id=\"op-{id}\"><h3><span class=\"m {method}\">{m}</span> \
         <span class=\"path\">{p}</span></h3>",
        id = esc(id),
        m = method.to_uppercase(),
        p = esc(path),
    );
    if let Some(s) = op["summary"].as_str() {
        let _ = write!(out, "<p><strong>{}</strong></p>", esc(s));
    }
    if let Some(d) = op["description"].as_str() {
        let _ = write!(out, "<p>{}</p>", esc(d));
    }
    let params: Vec<Value> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p).clone())
        .collect();
    if !params.is_empty() {
        out.push_str(
            "<table><tr><th>parameter</th><th>in</th><th>中文</th><th>type and bounds</th>\
             <th>description</th></tr>",
        );
        for p in &params {
            let _ = write!(
                out,
                "<tr><td><code>{n}</code>{r}</td><td>{i}</td><td>{l}</td><td>{t}</td><td>{d}</td></tr>",
                n = esc(p["name"].as_str().unwrap_or("")),
                r = if p["required"] == Value::Bool(true) { " (required)" } else { "" },
                i = esc(p["in"].as_str().unwrap_or("")),
                l = esc(label(p)),
                t = esc(&type_of(&p["schema"])),
                d = esc(p["description"].as_str().unwrap_or("")),
            );
        }
        out.push_str("</table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        for (media, body) in content {
            let _ = write!(
                out,
                "<p>Request body <code>{}</code>: {}</p>",
                esc(media),
                esc(&type_of(&body["schema"]))
            );
        }
    }
    if let Some(responses) = op["responses"].as_object() {
        out.push_str("<table><tr><th>status</th><th>description</th><th>body</th></tr>");
        for (status, r) in responses {
            let r = resolve(spec, r);
            let body = r["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(media, v)| format!("{media}: {}", type_of(&v["schema"])))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                esc(r["description"].as_str().unwrap_or("")),
                esc(&body)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

fn schemas(out: &mut String, spec: &Value) {
    out.push_str("<h2 id=\"schemas\">schemas</h2>");
    let Some(all) = spec["components"]["schemas"].as_object() else {
        return;
    };
    for (name, s) in all {
        let _ = write!(
            out,
            "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>",
            esc(name)
        );
        if let Some(d) = s["description"].as_str() {
            let _ = write!(out, "<p>{}</p>", esc(d));
        }
        let required: Vec<&str> = s["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(props) = s["properties"].as_object() {
            out.push_str(
                "<table><tr><th>field</th><th>中文</th><th>type</th><th>description</th></tr>",
            );
            for (field, p) in props {
                let _ = write!(
                    out,
                    "<tr><td><code>{f}</code>{r}</td><td>{l}</td><td>{t}</td><td>{d}</td></tr>",
                    f = esc(field),
                    r = if required.contains(&field.as_str()) {
                        " (required)"
                    } else {
                        ""
                    },
                    l = esc(label(p)),
                    t = esc(&type_of(p)),
                    d = esc(p["description"].as_str().unwrap_or("")),
                );
            }
            out.push_str("</table>");
        } else {
            let _ = write!(out, "<p>{}</p>", esc(&type_of(s)));
        }
        out.push_str("</section>");
    }
}

fn label(v: &Value) -> &str {
    v["x-label-zh"].as_str().unwrap_or("")
}

/// `v`, or what its `$ref` names inside this document.
fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => spec.pointer(pointer).unwrap_or(v),
        None => v,
    }
}

/// A one-line description of a schema: its type, format, bounds, enum, or what it refers to.
fn type_of(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(items) = s.get("items") {
        return format!("array of {}", type_of(items));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(members) = s[key].as_array() {
            let parts: Vec<String> = members.iter().map(type_of).collect();
            return format!("{key}({})", parts.join(", "));
        }
    }
    let mut t = match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => String::new(),
    };
    if let Some(f) = s["format"].as_str() {
        let _ = write!(t, " ({f})");
    }
    for (key, word) in [
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minItems", "min items"),
        ("maxItems", "max items"),
        ("default", "default"),
        ("pattern", "pattern"),
    ] {
        if let Some(v) = s.get(key) {
            let _ = write!(t, ", {word} {}", plain(v));
        }
    }
    if let Some(values) = s["enum"].as_array() {
        let vs: Vec<String> = values.iter().map(plain).collect();
        let _ = write!(t, ", one of {}", vs.join(" / "));
    }
    t
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Text made safe for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_spec_cannot_open_an_element() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
        let spec = serde_json::json!({
            "info": {"title": "t<b>", "version": "1", "description": "<img src=x>"},
            "paths": {"/a/{id}": {"get": {"operationId": "getA", "tags": ["x"],
                "summary": "取 A",
                "parameters": [{"name": "limit", "in": "query", "x-label-zh": "每页条数",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer", "x-label-zh": "编号"}}}}}
        });
        let html = render(&spec);
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("t<b>"));
        assert!(html.contains("每页条数"));
        assert!(html.contains("integer, min 1, max 100"));
        assert!(html.contains("application/json: A"));
        assert!(html.contains("<code>id</code> (required)"));
        assert!(html.contains("编号"));
        assert!(html.contains("id=\"op-getA\""));
    }
}
