//! Certificate verification is always on: a server with a certificate no root store
//! trusts (`openssl s_server`, self-signed) is refused, before anything is sent, over
//! TLS 1.3 and over a TLS 1.2-only server (which also shows TLS 1.2 is offered:
//! without it the failure would be the protocol version, not the certificate).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alikassa_client::types::StatusQuery;
use alikassa_client::{Client, Error};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn s_server(extra: &[&str]) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = format!("{}/tests/fixtures/tls", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-www", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args([
            "-cert",
            &format!("{dir}/cert.pem"),
            "-key",
            &format!("{dir}/key.pem"),
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl is required for this test (CI installs it)");
    let server = Server(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "openssl s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

async fn refused(port: u16) -> Error {
    let client = Client::builder()
        .account("93d5df06-996c-48c3-9847-348d6b580b80")
        .cert_dir(format!(
            "{}/tests/fixtures/keys/archive",
            env!("CARGO_MANIFEST_DIR")
        ))
        .base_url(format!("https://localhost:{port}"))
        .build()
        .unwrap();
    client
        .payment_status(StatusQuery::Id("1".into()))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (_server, port) = s_server(&[]);
    let e = refused(port).await;
    assert!(matches!(e, Error::Transport { sent: false, .. }), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    assert!(!e.outcome_unknown());
}

#[tokio::test]
async fn tls12_only_servers_get_as_far_as_the_certificate() {
    let (_server, port) = s_server(&["-tls1_2"]);
    let e = refused(port).await;
    let text = e.to_string().to_lowercase();
    assert!(
        text.contains("certificate") && !text.contains("version"),
        "{e}"
    );
}
