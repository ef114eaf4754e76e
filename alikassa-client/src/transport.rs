//! HTTPS over hyper 1 + hyper-util's pooled client + hyper-rustls. Certificate
//! verification is always on; plain `http://` is refused unless the host is a
//! loopback address (the sandbox).

use std::net::IpAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

use crate::error::Error;

/// Answers larger than this are cut off (no documented answer comes near).
const MAX_BODY: usize = 1 << 20;

/// Where the root certificates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Roots {
    /// Mozilla's roots compiled in (`webpki-roots` feature, the default).
    #[default]
    Webpki,
    /// The operating system's store (`native-roots` feature).
    Native,
}

/// A base URL checked for the rules above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl(String);

impl BaseUrl {
    pub(crate) fn parse(url: &str) -> Result<Self, Error> {
        let trimmed = url.trim().trim_end_matches('/');
        let uri: Uri = trimmed
            .parse()
            .map_err(|e| Error::Config(format!("base URL `{trimmed}` is not a URL: {e}")))?;
        let host = uri
            .host()
            .ok_or_else(|| Error::Config(format!("base URL `{trimmed}` has no host")))?;
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback(host) => {}
            Some("http") => {
                return Err(Error::Config(format!(
                    "base URL `{trimmed}` is plain http to a host that is not loopback; only https is allowed there"
                )))
            }
            _ => return Err(Error::Config(format!("base URL `{trimmed}` must start with https://"))),
        }
        if uri.query().is_some() {
            return Err(Error::Config(format!(
                "base URL `{trimmed}` must not have a query"
            )));
        }
        Ok(BaseUrl(trimmed.to_string()))
    }

    /// `base/path` as a URI.
    pub(crate) fn join(&self, path: &str) -> Result<Uri, Error> {
        format!("{}/{}", self.0, path.trim_start_matches('/'))
            .parse()
            .map_err(|e| Error::Config(format!("cannot build the URL for {path}: {e}")))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// The pooled HTTP client: built once per `Client`, its connections reused.
#[derive(Clone)]
pub(crate) struct Transport {
    http: HyperClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
    user_agent: HeaderValue,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(
        roots: Roots,
        timeout: Duration,
        connect_timeout: Duration,
        user_agent: &str,
    ) -> Result<Self, Error> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match roots {
            #[cfg(feature = "webpki-roots")]
            Roots::Webpki => builder
                .with_provider_and_webpki_roots(provider)
                .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?,
            #[cfg(feature = "native-roots")]
            Roots::Native => builder
                .with_provider_and_native_roots(provider)
                .map_err(|e| {
                    Error::Config(format!("cannot load the system's root certificates: {e}"))
                })?,
            #[allow(unreachable_patterns)]
            other => {
                return Err(Error::Config(format!(
                    "root store {other:?} needs its cargo feature enabled"
                )))
            }
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let connector = builder
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let http = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::Config("the user agent has characters a header cannot carry".into())
        })?;
        Ok(Transport {
            http,
            timeout,
            user_agent,
        })
    }

    /// POSTs `body` as JSON with extra headers; the answer's status and body.
    pub(crate) async fn post(
        &self,
        uri: Uri,
        headers: &[(HeaderName, HeaderValue)],
        body: Bytes,
    ) -> Result<(u16, Bytes), Error> {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, self.user_agent.clone())
            .body(Full::new(body))
            .map_err(|e| Error::Config(format!("cannot build the request: {e}")))?;
        for (k, v) in headers {
            req.headers_mut().insert(k.clone(), v.clone());
        }
        let exchange = async {
            let resp = self.http.request(req).await.map_err(|e| {
                // A connect error means nothing left this process.
                let sent = !e.is_connect();
                Error::Transport {
                    sent,
                    message: error_chain(&e),
                }
            })?;
            let status = resp.status().as_u16();
            let body = Limited::new(resp.into_body(), MAX_BODY)
                .collect()
                .await
                .map_err(|e| Error::Transport {
                    sent: true,
                    message: format!("the answer (HTTP {status}) broke off: {e}"),
                })?
                .to_bytes();
            Ok((status, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(r) => r,
            Err(_) => Err(Error::Timeout {
                after: self.timeout,
            }),
        }
    }
}

/// An error and its causes on one line (hyper's top-level message alone is vague).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert!(BaseUrl::parse("https://api-merchant.alikassa.com").is_ok());
        assert_eq!(
            BaseUrl::parse("https://api-merchant.alikassa.com/")
                .unwrap()
                .as_str(),
            "https://api-merchant.alikassa.com"
        );
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://localhost:8080").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080").is_ok());
        let e = BaseUrl::parse("http://api-merchant.alikassa.com")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not loopback"), "{e}");
        assert!(BaseUrl::parse("http://10.0.0.1").is_err());
        assert!(BaseUrl::parse("ftp://x").is_err());
        assert!(BaseUrl::parse("not a url").is_err());
        let j = BaseUrl::parse("http://127.0.0.1:1/prefix/")
            .unwrap()
            .join("v1/payment")
            .unwrap();
        assert_eq!(j.to_string(), "http://127.0.0.1:1/prefix/v1/payment");
    }
}
