//! Embedded assets (CSS, scripts, icon) served at content-hashed URLs with a year-long,
//! immutable cache: no CDN, no build step, nothing fetched at run time.

use poem::{Response, handler, http::StatusCode, web::Path};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    /// `app.3f2a9c1e.css`: the stem, eight hex digits of the content's sha256, the extension.
    name: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

fn asset(stem: &str, ext: &str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let hash = hex::encode(Sha256::digest(bytes));
    Asset {
        name: format!("{stem}.{}.{ext}", &hash[..8]),
        content_type,
        bytes,
    }
}

static ASSETS: LazyLock<[Asset; 4]> = LazyLock::new(|| {
    [
        asset(
            "app",
            "css",
            "text/css; charset=utf-8",
            include_bytes!("assets/app.css"),
        ),
        // htmx 2 (BSD Zero Clause licence, see assets/htmx.LICENSE), from the npm package
        // htmx.org, dist/htmx.min.js, unmodified.
        asset(
            "htmx",
            "js",
            "text/javascript; charset=utf-8",
            include_bytes!("assets/htmx.min.js"),
        ),
        asset(
            "app",
            "js",
            "text/javascript; charset=utf-8",
            include_bytes!("assets/app.js"),
        ),
        asset("icon", "svg", "image/svg+xml", include_bytes!("assets/icon.svg")),
    ]
});

fn url(i: usize) -> String {
    format!("/assets/{}", ASSETS[i].name)
}

/// The URLs pages link to.
pub struct AssetUrls {
    pub css: String,
    pub htmx: String,
    pub js: String,
    pub icon: String,
}

pub static URLS: LazyLock<AssetUrls> = LazyLock::new(|| AssetUrls {
    css: url(0),
    htmx: url(1),
    js: url(2),
    icon: url(3),
});

/// `GET /assets/:name`: only the current hashed names exist, so a cached copy never goes stale.
#[handler]
pub fn serve(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => Response::builder()
            .content_type(a.content_type)
            .header("cache-control", "public, max-age=31536000, immutable")
            .header("x-content-type-options", "nosniff")
            .body(a.bytes),
        None => super::page::error_page(StatusCode::NOT_FOUND),
    }
}

/// Total bytes of the assets every page loads (CSS and both scripts), for the benchmark.
pub fn page_asset_bytes() -> usize {
    ASSETS[..3].iter().map(|a| a.bytes.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_a_content_hash() {
        assert!(URLS.css.starts_with("/assets/app.") && URLS.css.ends_with(".css"));
        assert_eq!(URLS.css.len(), "/assets/app.12345678.css".len());
        assert_ne!(URLS.js, URLS.htmx);
    }
}
