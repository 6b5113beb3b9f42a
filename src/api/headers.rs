//! Response headers every answer carries (issue 20 point 7, issue 12 point 5): no MIME
//! sniffing, no referrer beyond the site, no framing; nothing cached unless the handler chose a
//! cache policy itself (the hashed assets do); a 401 names the scheme it expects.

use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{HeaderValue, StatusCode, header},
};

pub async fn security_headers<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let mut resp = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    let h = resp.headers_mut();
    for (k, v) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    }
    if resp.status() == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .entry(header::WWW_AUTHENTICATE)
            .or_insert(HeaderValue::from_static("Bearer"));
    }
    Ok(resp)
}
