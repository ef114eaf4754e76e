//! The client: one typed call per operation. Each call validates the request,
//! encodes it as the provider's PHP sample would, signs exactly those bytes, sends
//! them and decodes the answer.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alikassa_types::catalogue::{Certificate, Endpoint};
use alikassa_types::{
    endpoints, AccountBalance, PaymentCreated, PaymentDetails, PaymentRequest, PayoutCreated,
    PayoutDetails, PayoutRequest, StatusQuery,
};
use bytes::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::credentials::PrivateKey;
use crate::decode::decode;
use crate::error::Error;
use crate::signing::{sign_header, Digest, RsaSigner, Signer};
use crate::transport::{BaseUrl, Roots, Transport};

/// The environment variable holding the account UUID.
pub const ENV_ACCOUNT: &str = "ALIKASSA_ACCOUNT";
/// The environment variable holding the payment certificate directory.
pub const ENV_CERT_DIR: &str = "ALIKASSA_CERT_DIR";
/// The environment variable holding the payout certificate directory (optional).
pub const ENV_PAYOUT_CERT_DIR: &str = "ALIKASSA_PAYOUT_CERT_DIR";
/// The environment variable overriding the base URL (optional).
pub const ENV_BASE_URL: &str = "ALIKASSA_BASE_URL";
/// Where the provider's samples unpack the payment archive.
pub const DEFAULT_CERT_DIR: &str = "cert/payment";
/// The provider's samples use 30 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for one merchant account. Cheap to clone; clones share the connection
/// pool and the decrypted keys. Must be used inside a Tokio runtime.
///
/// ```no_run
/// use alikassa_client::Client;
/// use alikassa_types::{requests::QrCodeIdrHpp, banks::QrCodeIdrHppBank};
///
/// # async fn run() -> Result<(), alikassa_client::Error> {
/// let client = Client::builder()
///     .account("93d5df06-996c-48c3-9847-348d6b580b80")
///     .cert_dir("cert/payment")
///     .build()?;
/// let created = client
///     .create_payment(QrCodeIdrHpp::new(
///         "150000".parse().unwrap(),
///         "order-1001",
///         "18.191.80.10".parse().unwrap(),
///         QrCodeIdrHppBank::Qris,
///         "Budi",
///         "Santoso",
///     ))
///     .await?;
/// println!("redirect the payer to {:?}", created.url);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    account: HeaderValue,
    base: BaseUrl,
    transport: Transport,
    payment_signer: Arc<dyn Signer>,
    payout_signer: Option<Arc<dyn Signer>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("account", &self.inner.account)
            .field("base_url", &self.inner.base.as_str())
            .field("transport", &self.inner.transport)
            .field("payment_digest", &self.inner.payment_signer.digest())
            .field("payout_key", &self.inner.payout_signer.is_some())
            .finish_non_exhaustive()
    }
}

/// The result of asking whether an outcome-unknown create arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reconciled<T> {
    /// The provider has it: do not create again.
    Found(T),
    /// The provider does not know this `order_id`: creating it again is safe.
    NotCreated,
}

/// A request ready to send: the exact body bytes and their signature.
#[derive(Clone)]
pub struct PreparedRequest {
    endpoint: Endpoint,
    body: Bytes,
    sign: HeaderValue,
}

impl PreparedRequest {
    /// The endpoint it goes to.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }
    /// The exact bytes that are signed and sent.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The `Sign` header value (base64). Keep it out of logs.
    pub fn sign(&self) -> &str {
        self.sign.to_str().unwrap_or_default()
    }
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("endpoint", &self.endpoint.path)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("sign", &"<redacted>")
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Creates a payment (`v1/payment`). On an error whose
    /// [`outcome_unknown`](Error::outcome_unknown) is true, call
    /// [`reconcile_payment`](Self::reconcile_payment) before creating again.
    pub async fn create_payment(
        &self,
        request: impl Into<PaymentRequest>,
    ) -> Result<PaymentCreated, Error> {
        let request = request.into();
        let prepared = self.prepare_payment(&request)?;
        self.send(prepared, request.service(), request.order_id())
            .await
    }

    /// Creates a payout (`v1/payout`), signed with the payout key (or the payment
    /// key when no payout key was given).
    pub async fn create_payout(
        &self,
        request: impl Into<PayoutRequest>,
    ) -> Result<PayoutCreated, Error> {
        let request = request.into();
        let prepared = self.prepare_payout(&request)?;
        self.send(prepared, request.service(), request.order_id())
            .await
    }

    /// The status of a payment (`v1/payment/status`), by `order_id` or `id`.
    pub async fn payment_status(&self, query: StatusQuery) -> Result<PaymentDetails, Error> {
        let prepared = self.prepare_status(endpoints::PAYMENT_STATUS, &query)?;
        self.send(prepared, "", query_label(&query)).await
    }

    /// The status of a payout (`v1/payout/status`), by `order_id` or `id`.
    pub async fn payout_status(&self, query: StatusQuery) -> Result<PayoutDetails, Error> {
        let prepared = self.prepare_status(endpoints::PAYOUT_STATUS, &query)?;
        self.send(prepared, "", query_label(&query)).await
    }

    /// The account's balance (`v1/account/balance`, payout certificate). The body is
    /// `[]`, what the provider's PHP sample sends for an empty array.
    pub async fn account_balance(&self) -> Result<AccountBalance, Error> {
        let prepared = self.prepare(endpoints::ACCOUNT_BALANCE, Ok(b"[]".to_vec()))?;
        self.send(prepared, "", "").await
    }

    /// After an outcome-unknown [`create_payment`](Self::create_payment): asks the
    /// status endpoint, the authority, whether `order_id` exists.
    pub async fn reconcile_payment(
        &self,
        order_id: &str,
    ) -> Result<Reconciled<PaymentDetails>, Error> {
        match self
            .payment_status(StatusQuery::OrderId(order_id.to_string()))
            .await
        {
            Ok(d) => Ok(Reconciled::Found(d)),
            Err(Error::NotFound { .. }) => Ok(Reconciled::NotCreated),
            Err(e) => Err(e),
        }
    }

    /// The payout counterpart of [`reconcile_payment`](Self::reconcile_payment).
    pub async fn reconcile_payout(
        &self,
        order_id: &str,
    ) -> Result<Reconciled<PayoutDetails>, Error> {
        match self
            .payout_status(StatusQuery::OrderId(order_id.to_string()))
            .await
        {
            Ok(d) => Ok(Reconciled::Found(d)),
            Err(Error::NotFound { .. }) => Ok(Reconciled::NotCreated),
            Err(e) => Err(e),
        }
    }

    /// Validates, encodes and signs a payment without sending it.
    pub fn prepare_payment(&self, request: &PaymentRequest) -> Result<PreparedRequest, Error> {
        request.validate()?;
        self.prepare(endpoints::CREATE_PAYMENT, request.to_body())
    }

    /// Validates, encodes and signs a payout without sending it.
    pub fn prepare_payout(&self, request: &PayoutRequest) -> Result<PreparedRequest, Error> {
        request.validate()?;
        self.prepare(endpoints::CREATE_PAYOUT, request.to_body())
    }

    fn prepare_status(
        &self,
        endpoint: Endpoint,
        query: &StatusQuery,
    ) -> Result<PreparedRequest, Error> {
        query.validate()?;
        self.prepare(endpoint, query.to_body())
    }

    fn signer(&self, certificate: Certificate) -> &Arc<dyn Signer> {
        match certificate {
            Certificate::Payout => self
                .inner
                .payout_signer
                .as_ref()
                .unwrap_or(&self.inner.payment_signer),
            _ => &self.inner.payment_signer,
        }
    }

    /// Signs an encoded body for `endpoint` with the certificate the spec names.
    fn prepare(
        &self,
        endpoint: Endpoint,
        body: serde_json::Result<Vec<u8>>,
    ) -> Result<PreparedRequest, Error> {
        let body = body.map_err(|e| Error::Config(format!("cannot encode the request: {e}")))?;
        let signature = self.signer(endpoint.certificate).sign(&body)?;
        let mut sign = HeaderValue::from_str(&sign_header(&signature))
            .map_err(|_| Error::Config("the signature is not a valid header".into()))?;
        sign.set_sensitive(true);
        Ok(PreparedRequest {
            endpoint,
            body: Bytes::from(body),
            sign,
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        prepared: PreparedRequest,
        service: &str,
        order_id: &str,
    ) -> Result<T, Error> {
        let span = tracing::info_span!(
            "alikassa.request",
            operation = prepared.endpoint.name,
            service,
            order_id,
            http.status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let uri = self.inner.base.join(prepared.endpoint.path)?;
        let headers = [
            (
                HeaderName::from_static("account"),
                self.inner.account.clone(),
            ),
            (HeaderName::from_static("sign"), prepared.sign),
        ];
        let exchange = async {
            let started = Instant::now();
            let result = self
                .inner
                .transport
                .post(uri, &headers, prepared.body)
                .await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let (status, body) = result.inspect_err(|e| {
                tracing::warn!(error = %e, outcome_unknown = e.outcome_unknown(), "request failed")
            })?;
            span.record("http.status", status);
            decode(status, &body).inspect_err(|e| {
                tracing::warn!(error = %e, outcome_unknown = e.outcome_unknown(), "request refused")
            })
        };
        exchange.instrument(span).await
    }
}

fn query_label(q: &StatusQuery) -> &str {
    match q {
        StatusQuery::OrderId(s) => s,
        _ => "",
    }
}

/// Where a key comes from, loaded when the client is built.
enum KeySource {
    Dir(PathBuf),
    Key(PrivateKey),
    Signer(Arc<dyn Signer>),
}

/// Configures a [`Client`]. Keys are read and decrypted once, in [`build`](Self::build).
///
/// ```
/// use alikassa_client::{Client, Digest};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/archive");
/// let client = Client::builder()
///     .account("93d5df06-996c-48c3-9847-348d6b580b80")
///     .cert_dir(dir)
///     .digest(Digest::Sha256)
///     .timeout(std::time::Duration::from_secs(10))
///     .build()
///     .unwrap();
/// assert!(!format!("{client:?}").contains("PRIVATE"));
/// ```
#[must_use]
pub struct ClientBuilder {
    account: Option<String>,
    payment: Option<KeySource>,
    payout: Option<KeySource>,
    digest: Digest,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    roots: Roots,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            account: None,
            payment: None,
            payout: None,
            digest: Digest::default(),
            base_url: endpoints::BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: Duration::from_secs(10),
            user_agent: format!("alikassa-rs/{}", env!("CARGO_PKG_VERSION")),
            roots: Roots::default(),
        }
    }
}

impl ClientBuilder {
    /// Reads `ALIKASSA_ACCOUNT`, `ALIKASSA_CERT_DIR` (default `cert/payment`),
    /// `ALIKASSA_PAYOUT_CERT_DIR` and `ALIKASSA_BASE_URL`; later calls override them.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let defaults = ClientBuilder::default();
        ClientBuilder {
            account: var(ENV_ACCOUNT),
            payment: Some(KeySource::Dir(
                var(ENV_CERT_DIR)
                    .unwrap_or_else(|| DEFAULT_CERT_DIR.into())
                    .into(),
            )),
            payout: var(ENV_PAYOUT_CERT_DIR).map(|d| KeySource::Dir(d.into())),
            base_url: var(ENV_BASE_URL).unwrap_or(defaults.base_url.clone()),
            ..defaults
        }
    }

    /// The account UUID (the `Account` header).
    pub fn account(mut self, uuid: impl Into<String>) -> Self {
        self.account = Some(uuid.into());
        self
    }
    /// The unpacked payment archive (`private.pem`, `password.txt`).
    pub fn cert_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.payment = Some(KeySource::Dir(dir.as_ref().to_path_buf()));
        self
    }
    /// The unpacked payout archive, when payouts use a different certificate.
    pub fn payout_cert_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.payout = Some(KeySource::Dir(dir.as_ref().to_path_buf()));
        self
    }
    /// An already loaded payment key.
    pub fn payment_key(mut self, key: PrivateKey) -> Self {
        self.payment = Some(KeySource::Key(key));
        self
    }
    /// An already loaded payout key.
    pub fn payout_key(mut self, key: PrivateKey) -> Self {
        self.payout = Some(KeySource::Key(key));
        self
    }
    /// Another signing backend (OpenSSL, an HSM) for payments.
    pub fn payment_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.payment = Some(KeySource::Signer(signer));
        self
    }
    /// Another signing backend for payouts.
    pub fn payout_signer(mut self, signer: Arc<dyn Signer>) -> Self {
        self.payout = Some(KeySource::Signer(signer));
        self
    }
    /// SHA1 (default, as the PHP samples) or SHA256.
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = digest;
        self
    }
    /// The API's base URL; `https://` (or `http://` to a loopback host).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }
    /// The time a whole exchange may take (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// The time connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }
    /// Where root certificates come from.
    pub fn roots(mut self, roots: Roots) -> Self {
        self.roots = roots;
        self
    }

    /// Loads the keys and builds the client. Must run inside a Tokio runtime only
    /// when requests are sent, not here.
    pub fn build(self) -> Result<Client, Error> {
        let account = self.account.ok_or_else(|| {
            Error::Config(format!(
                "no account UUID: call .account(..) or set {ENV_ACCOUNT}"
            ))
        })?;
        if !is_uuid(&account) {
            return Err(Error::Config(format!(
                "the account `{}` is not a UUID (8-4-4-4-12 hex digits)",
                account.chars().take(60).collect::<String>()
            )));
        }
        let account = HeaderValue::from_str(&account)
            .map_err(|_| Error::Config("the account is not a valid header value".into()))?;
        let base = BaseUrl::parse(&self.base_url)?;
        let digest = self.digest;
        let load = |source: KeySource| -> Result<Arc<dyn Signer>, Error> {
            Ok(match source {
                KeySource::Dir(dir) => {
                    Arc::new(RsaSigner::new(PrivateKey::from_dir(&dir)?, digest))
                }
                KeySource::Key(key) => Arc::new(RsaSigner::new(key, digest)),
                KeySource::Signer(s) => s,
            })
        };
        let payment = self.payment.ok_or_else(|| {
            Error::Config(format!(
                "no payment key: call .cert_dir(..) or set {ENV_CERT_DIR}"
            ))
        })?;
        let payment_signer = load(payment)?;
        let payout_signer = self.payout.map(load).transpose()?;
        let transport = Transport::new(
            self.roots,
            self.timeout,
            self.connect_timeout,
            &self.user_agent,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                account,
                base,
                transport,
                payment_signer,
                payout_signer,
            }),
        })
    }
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuids() {
        assert!(super::is_uuid("93d5df06-996c-48c3-9847-348d6b580b80"));
        assert!(!super::is_uuid("93d5df06-996c-48c3-9847-348d6b580b8"));
        assert!(!super::is_uuid("93d5df06996c48c39847348d6b580b80"));
        assert!(!super::is_uuid("93d5df06-996c-48c3-9847-348d6b580bxz"));
    }
}
