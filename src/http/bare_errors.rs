//! hyper answers a request it cannot parse (400: a bad request line or header, non-ASCII bytes
//! in it; 414: a URI too long; 431: headers too large) by itself, before any route runs, with an
//! empty body. This connection wrapper recognises exactly those answers as they are written (a
//! 400, 414 or 431 head with `content-length: 0` and nothing after it; gongshi's own problems
//! always have a body) and writes a problem+json answer in their place, so that every non-2xx
//! answer is problem+json. Reading passes through untouched.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};

pub struct ProblemIo<T> {
    inner: T,
    pending: Vec<u8>,
    written: usize,
}

impl<T> ProblemIo<T> {
    pub fn new(inner: T) -> Self {
        ProblemIo {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

/// The problem answer that replaces hyper's bare one, or `None` for any other write.
pub fn rewrite(buf: &[u8]) -> Option<Vec<u8>> {
    let (status, slug, title, detail) = if buf.starts_with(b"HTTP/1.1 400 ") {
        (400, "bad-request", "Bad request", "the request line or a header could not be parsed (only ASCII may appear there; percent-encode the rest)")
    } else if buf.starts_with(b"HTTP/1.1 414 ") {
        (
            414,
            "uri-too-long",
            "URI too long",
            "the request's URI is longer than this server reads",
        )
    } else if buf.starts_with(b"HTTP/1.1 431 ") {
        (
            431,
            "headers-too-large",
            "Request header fields too large",
            "the request's headers are larger than this server reads",
        )
    } else {
        return None;
    };
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end != buf.len() {
        return None;
    }
    let head = std::str::from_utf8(&buf[..end - 4]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut kept = Vec::new();
    let mut empty = false;
    for line in lines {
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            empty = value.trim() == "0";
        } else if !lower.starts_with("connection:") {
            kept.push(line);
        }
    }
    if !empty {
        return None;
    }
    let body = serde_json::json!({
        "type": format!("urn:gongshi:problem:{slug}"),
        "title": title,
        "status": status,
        "detail": detail,
    })
    .to_string();
    let mut out = format!("{status_line}\r\n");
    for line in kept {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: application/problem+json\r\nx-content-type-options: nosniff\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    ));
    Some(out.into_bytes())
}

/// What a connection past the server's connection cap is told before it is closed, without
/// reading its request: 503 problem+json with `Retry-After`.
pub fn too_many_connections() -> Vec<u8> {
    let body = serde_json::json!({
        "type": "urn:gongshi:problem:too-many-connections",
        "title": "Too many connections",
        "status": 503,
        "detail": "the server is serving as many connections as it may at once; retry in a moment",
    })
    .to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/problem+json\r\nx-content-type-options: nosniff\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl<T: Write + Unpin> ProblemIo<T> {
    /// Writes what is left of a replacement answer.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: Write + Unpin> Write for ProblemIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        if let Some(replacement) = rewrite(buf) {
            this.pending = replacement;
            // What is not written now is written by the next write or flush.
            if let Poll::Ready(Err(e)) = this.drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }

    /// One buffer per write, so a head is always seen whole by [`rewrite`].
    fn is_write_vectored(&self) -> bool {
        false
    }
}

impl<T: Read + Unpin> Read for ProblemIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_parse_error_answers_are_rewritten() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 05:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(bare).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(out.contains("date: Tue, 01 Dec 2026 05:00:00 GMT\r\n"));
        assert!(out.contains("content-type: application/problem+json\r\n"));
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let p: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(p["type"], "urn:gongshi:problem:headers-too-large");
        assert_eq!(p["status"], 431);
        for other in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: 120\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nextra",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 5\r\n\r\n",
        ] {
            assert!(rewrite(other).is_none(), "{}", String::from_utf8_lossy(other));
        }
        assert!(rewrite(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").is_some());
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").is_some());
    }
}
