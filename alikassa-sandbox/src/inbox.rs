//! A merchant's notification endpoint for tests and demos: it records every
//! notification the sandbox (or anything else) sends it and answers HTTP 200.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A local `notification_endpoint_url` that keeps each query string by its `id`.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let inbox = alikassa_sandbox::NotificationInbox::start().await.unwrap();
/// assert!(inbox.url().starts_with("http://127.0.0.1:"));
/// assert_eq!(inbox.wait_for(1, std::time::Duration::ZERO).await, None);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct NotificationInbox {
    url: String,
    received: Arc<Mutex<BTreeMap<u64, String>>>,
}

impl NotificationInbox {
    /// Listens on `127.0.0.1:0` on the current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/alikassa/notify", listener.local_addr()?);
        let received: Arc<Mutex<BTreeMap<u64, String>>> = Arc::default();
        let log = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut len = 0;
                    while len < buf.len() {
                        match stream.read(&mut buf[len..]).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => len += n,
                        }
                        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    let head = String::from_utf8_lossy(&buf[..len]);
                    let target = head.split_whitespace().nth(1).unwrap_or_default();
                    if let Some((_, query)) = target.split_once('?') {
                        let id = query
                            .split('&')
                            .find_map(|p| p.strip_prefix("id="))
                            .and_then(|v| v.parse::<u64>().ok());
                        if let (Some(id), Ok(mut seen)) = (id, log.lock()) {
                            seen.insert(id, query.to_string());
                        }
                    }
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK",
                        )
                        .await;
                });
            }
        });
        Ok(NotificationInbox { url, received })
    }

    /// The URL to pass as `notification_endpoint_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The query string of the latest notification for `id`, waiting up to `patience`.
    pub async fn wait_for(&self, id: u64, patience: Duration) -> Option<String> {
        let started = Instant::now();
        loop {
            if let Some(q) = self.received.lock().ok().and_then(|r| r.get(&id).cloned()) {
                return Some(q);
            }
            if started.elapsed() >= patience {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
