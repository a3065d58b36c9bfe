//! Where the database lives, decided once from the URL's scheme.
//!
//! A mistyped URL must never turn into a fresh, empty SQLite file, so anything that looks like
//! `scheme:` and is not one of ours is refused by name (DESIGN §2).

use std::path::{Path, PathBuf};

/// The default SQLite file, relative to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "data/gongshi.db";

/// A parsed database location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (bundled SQLite; never in-memory, see [`DatabaseUrlError::InMemory`]).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed to libpq as given.
    Postgres(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("the database URL is empty")]
    Empty,
    #[error("unsupported database URL scheme '{0}:' (use a file path, sqlite://PATH, postgres:// or postgresql://)")]
    UnsupportedScheme(String),
    #[error(
        "an in-memory SQLite database cannot be shared by a connection pool; give a file path"
    )]
    InMemory,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let lower = raw.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        let path = if let Some(rest) = raw.strip_prefix("sqlite://") {
            rest
        } else if let Some(scheme) = scheme_of(raw) {
            return Err(DatabaseUrlError::UnsupportedScheme(scheme.to_string()));
        } else {
            raw
        };
        if path.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        if path == ":memory:" || path.contains("mode=memory") {
            return Err(DatabaseUrlError::InMemory);
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    /// The backend's name as the API reports it.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// A form safe to log: the PostgreSQL password, if any, is masked.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(p) => p.display().to_string(),
            Self::Postgres(u) => match url::Url::parse(u) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    let _ = parsed.set_password(Some("***"));
                    parsed.to_string()
                }
                _ => u.clone(),
            },
        }
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(p) => Some(p),
            Self::Postgres(_) => None,
        }
    }
}

/// `mysql://x` → `mysql`; `postgres:typo.db` → `postgres`; `data/x.db` → none.
/// A single letter before the colon is not treated as a scheme, so `C:\gongshi.db` stays a path.
fn scheme_of(raw: &str) -> Option<&str> {
    let (head, _) = raw.split_once(':')?;
    let mut chars = head.chars();
    let first = chars.next()?;
    let is_scheme = head.len() > 1
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_sqlite_urls_are_sqlite_files() {
        for (raw, path) in [
            ("data/gongshi.db", "data/gongshi.db"),
            ("/var/lib/gongshi/g.db", "/var/lib/gongshi/g.db"),
            ("sqlite:///tmp/x.db", "/tmp/x.db"),
            ("sqlite://rel.db", "rel.db"),
            ("  ./a.db ", "./a.db"),
            ("C:\\gongshi.db", "C:\\gongshi.db"),
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw),
                Ok(DatabaseUrl::Sqlite(path.into())),
                "{raw}"
            );
        }
    }

    #[test]
    fn postgres_urls_are_kept_verbatim() {
        for raw in [
            "postgres://root@127.0.0.1/test",
            "postgresql://u:p@h:5432/db?sslmode=disable",
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw),
                Ok(DatabaseUrl::Postgres(raw.into()))
            );
        }
    }

    #[test]
    fn unknown_or_mistyped_schemes_are_refused_by_name() {
        for (raw, scheme) in [
            ("mysql://x", "mysql"),
            ("postgres:typo.db", "postgres"),
            ("file:gongshi.db", "file"),
            ("sqlite:gongshi.db", "sqlite"),
            ("postgress://h/db", "postgress"),
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw),
                Err(DatabaseUrlError::UnsupportedScheme(scheme.into())),
                "{raw}"
            );
        }
    }

    #[test]
    fn empty_and_in_memory_are_refused() {
        assert_eq!(DatabaseUrl::parse("  "), Err(DatabaseUrlError::Empty));
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::Empty)
        );
        assert_eq!(
            DatabaseUrl::parse(":memory:"),
            Err(DatabaseUrlError::InMemory)
        );
    }

    #[test]
    fn passwords_are_masked_in_logs() {
        let url = DatabaseUrl::parse("postgres://u:secret@h/db").unwrap();
        assert!(!url.redacted().contains("secret"));
        assert!(url.redacted().contains("***"));
    }
}
