//! Response headers every answer carries (issue 20 point 7, issue 12 point 5): no MIME
//! sniffing, no referrer beyond the site, no framing; nothing cached unless the handler chose a
//! cache policy itself (the hashed assets do); a 401 names the scheme it expects; a 429 says when to retry.

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
    // Issue 12.4: every 429 says when to come back; the throttles set their own wait, anything
    // else that answers 429 gets a minute.
    if resp.status() == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("60"));
    }
    if resp.status() == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .entry(header::WWW_AUTHENTICATE)
            .or_insert(HeaderValue::from_static("Bearer"));
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use poem::{EndpointExt, endpoint::make_sync};

    /// Issue 12.4: a 429 that did not say when to retry gets `Retry-After` all the same.
    #[tokio::test]
    async fn every_429_carries_retry_after() {
        let ep = make_sync(|_| StatusCode::TOO_MANY_REQUESTS).around(security_headers);
        let resp = ep.get_response(Request::default()).await;
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "60");
        assert_eq!(resp.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
