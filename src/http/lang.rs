//! The language of a request's answer (issue 25): zh-CN unless `Accept-Language` asks for
//! English first. The pipeline reads it once and answers inside its scope, so a problem built
//! anywhere below (a handler, a rejection, the rate limit) is sent in it.

pub use crate::domain::i18n::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered (zh-CN outside a request).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs `f` (a request's answer) in `lang`.
pub async fn scope<F: std::future::Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}
