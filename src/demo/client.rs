//! The demo drives the service through its own route tree, in process: every action passes the
//! same guards, services, rules and audit rows as a request from a browser would.

use poem::{Endpoint, Request, http::Method};
use serde_json::Value;

pub struct Client<E> {
    ep: E,
}

/// A refused demo step: which request and what the service said.
pub type Failed = String;

impl<E: Endpoint> Client<E> {
    pub fn new(ep: E) -> Self {
        Self { ep }
    }

    async fn send(&self, req: Request, what: &str) -> Result<Value, Failed> {
        let resp = self.ep.get_response(req).await;
        let status = resp.status();
        let text = resp
            .into_body()
            .into_string()
            .await
            .map_err(|e| format!("{what}: {e}"))?;
        if !status.is_success() {
            return Err(format!("{what}: {status} {text}"));
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| format!("{what}: {e}"))?
        })
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, Failed> {
        let mut req = Request::builder().method(method.clone()).uri_str(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.content_type("application/json").body(b.to_string()),
            None => req.finish(),
        };
        self.send(req, &format!("{method} {path}")).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Result<Value, Failed> {
        self.call(Method::POST, path, Some(token), Some(&body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Result<Value, Failed> {
        self.call(Method::PUT, path, Some(token), Some(&body)).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Result<String, Failed> {
        let body = serde_json::json!({"username": username, "password": password});
        let v = self
            .call(Method::POST, "/api/v1/auth/login", None, Some(&body))
            .await?;
        v["token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("login {username}: no token"))
    }

    /// A multipart upload: text fields, then `file`.
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        fields: &[(&str, &str)],
        filename: &str,
        bytes: &[u8],
    ) -> Result<Value, Failed> {
        const BOUNDARY: &str = "zhihui-demo-boundary-7d1f";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri_str(path)
            .header("authorization", format!("Bearer {token}"))
            .content_type(&format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(body);
        self.send(req, &format!("POST {path}")).await
    }
}
