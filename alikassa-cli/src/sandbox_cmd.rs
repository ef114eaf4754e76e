//! `alikassa sandbox`: serve a local AliKassa until stopped.

use std::net::SocketAddr;
use std::path::PathBuf;

use alikassa_client::PublicKey;
use alikassa_sandbox::{Account, Sandbox, SandboxConfig};
use clap::ArgMatches;
use rand_core::{OsRng, RngCore};

use crate::failure::{Failure, Kind};

/// A random (version 4) UUID.
pub fn random_uuid() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub fn run(global: &ArgMatches, m: &ArgMatches) -> Result<(), Failure> {
    let addr: SocketAddr = m
        .get_one::<String>("addr")
        .map(String::as_str)
        .unwrap_or("127.0.0.1:8080")
        .parse()
        .map_err(|e| Failure::usage(format!("--addr: {e}")))?;
    if !addr.ip().is_loopback() {
        return Err(Failure::usage(
            "--addr must be a loopback address (the sandbox is for local use)",
        ));
    }
    let dir: PathBuf = m
        .get_one::<String>("sandbox-cert-dir")
        .or_else(|| global.get_one::<String>("cert-dir"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(alikassa_client::DEFAULT_CERT_DIR));
    let public_path = dir.join("public.pem");
    let pem = std::fs::read(&public_path).map_err(|e| {
        Failure::new(
            Kind::Credentials,
            format!(
                "cannot read {}: {e} (make one with `alikassa keygen --out {}`)",
                public_path.display(),
                dir.display()
            ),
        )
    })?;
    let public = PublicKey::from_pem(&pem)
        .map_err(|e| Failure::new(Kind::Credentials, format!("{}: {e}", public_path.display())))?;
    let account = global
        .get_one::<String>("account")
        .cloned()
        .unwrap_or_else(random_uuid);

    let notification_key = crate::keygen::in_memory_key()?;

    let rt = crate::runtime()?;
    rt.block_on(async {
        let sandbox = Sandbox::start(
            SandboxConfig::new()
                .listen_on(addr)
                .account(Account::new(account.clone(), public))
                .notification_key(notification_key),
        )
        .await
        .map_err(|e| Failure::usage(format!("cannot start the sandbox: {e}")))?;
        println!("base_url: {}", sandbox.base_url());
        println!("account: {account}");
        println!(
            "notification public key (also at {}/sandbox/notification-key):",
            sandbox.base_url()
        );
        print!(
            "{}",
            sandbox.notification_public_key_pem().unwrap_or_default()
        );
        println!("serving until Ctrl-C");
        let _ = tokio::signal::ctrl_c().await;
        sandbox.shutdown().await;
        Ok(())
    })
}
