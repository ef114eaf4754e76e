//! `alikassa`: the command line of alikassa-rs. See `alikassa --help`.
//!
//! Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid request (nothing
//! sent), 4 rejected by the API, 5 transport failure or unknown outcome, 6 credentials.

mod demo;
mod failure;
mod keygen;
mod sandbox_cmd;
mod table;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use alikassa_client::types::catalogue::{self, Direction};
use alikassa_client::types::{PaymentRequest, PayoutRequest, StatusQuery};
use alikassa_client::{Client, Digest, PrivateKey, Signer};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::Value;

use failure::{Failure, Kind};

const EXIT_CODES: &str = "Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid request (nothing sent), \
4 rejected by the API (400, 404, ...), 5 transport failure or unknown outcome (timeout, 5xx), 6 credentials.";

fn cli() -> Command {
    let json_input = || {
        Arg::new("json")
            .long("json")
            .value_name("FILE|-")
            .required(true)
            .help("A JSON object with `service` and the fields; - reads stdin")
    };
    let status = |what: &'static str| {
        Command::new("status")
            .about(format!("The status of a {what}"))
            .arg(
                Arg::new("order-id")
                    .long("order-id")
                    .value_name("X")
                    .conflicts_with("id")
                    .required_unless_present("id")
                    .help("Your order_id"),
            )
            .arg(
                Arg::new("id")
                    .long("id")
                    .value_name("N")
                    .help("AliKassa's id"),
            )
            .arg(
                Arg::new("wait")
                    .long("wait")
                    .action(ArgAction::SetTrue)
                    .help("Poll with backoff until a final status"),
            )
            .arg(
                Arg::new("max-wait")
                    .long("max-wait")
                    .value_name("SECONDS")
                    .default_value("900")
                    .value_parser(clap::value_parser!(u64))
                    .help("Give up waiting after this long"),
            )
    };
    Command::new("alikassa")
        .version(env!("CARGO_PKG_VERSION"))
        .about("AliKassa merchant API v1: catalogue, payments, payouts, signing, keys, a local sandbox")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg(Arg::new("account").long("account").env("ALIKASSA_ACCOUNT").global(true).value_name("UUID").help("Your account UUID"))
        .arg(Arg::new("cert-dir").long("cert-dir").env("ALIKASSA_CERT_DIR").global(true).value_name("DIR").help("The unpacked payment certificate archive [default: cert/payment]"))
        .arg(Arg::new("payout-cert-dir").long("payout-cert-dir").env("ALIKASSA_PAYOUT_CERT_DIR").global(true).value_name("DIR").help("The payout certificate archive, when it differs"))
        .arg(Arg::new("base-url").long("base-url").env("ALIKASSA_BASE_URL").global(true).value_name("URL").help("API base URL [default: https://api-merchant.alikassa.com]"))
        .arg(Arg::new("digest").long("digest").env("ALIKASSA_DIGEST").global(true).value_parser(["sha1", "sha256"]).help("Signature digest [default: sha1]"))
        .subcommand(Command::new("services").about("List every service").arg(Arg::new("json").long("json").action(ArgAction::SetTrue).help("The catalogue as JSON")))
        .subcommand(
            Command::new("banks")
                .about("The bank codes of a service")
                .arg(Arg::new("service").required(true).value_name("SERVICE"))
                .arg(Arg::new("json").long("json").action(ArgAction::SetTrue)),
        )
        .subcommand(
            Command::new("payment")
                .about("Payments")
                .subcommand_required(true)
                .subcommand(Command::new("create").about("Validate, sign and send a payment").arg(json_input()))
                .subcommand(status("payment")),
        )
        .subcommand(
            Command::new("payout")
                .about("Payouts")
                .subcommand_required(true)
                .subcommand(Command::new("create").about("Validate, sign and send a payout").arg(json_input()))
                .subcommand(status("payout")),
        )
        .subcommand(Command::new("sign").about("Print the Sign header for the bytes on stdin, exactly as they are"))
        .subcommand(
            Command::new("keygen")
                .about("Write an archive-shaped key set (private.pem, password.txt, public.pem) for the sandbox")
                .arg(Arg::new("out").long("out").required(true).value_name("DIR").value_parser(clap::value_parser!(PathBuf))),
        )
        .subcommand(
            Command::new("sandbox")
                .about("Serve a local AliKassa until stopped")
                .arg(Arg::new("addr").long("addr").default_value("127.0.0.1:8080").value_name("IP:PORT"))
                .arg(Arg::new("sandbox-cert-dir").long("merchant-cert-dir").value_name("DIR").help("The merchant key set whose public.pem the sandbox trusts [default: --cert-dir]")),
        )
        .subcommand(Command::new("demo").about("Run every service end to end against an in-process sandbox"))
}

fn main() -> ExitCode {
    let matches = match cli().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(&matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("alikassa: {f}");
            ExitCode::from(f.kind.code())
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Kind::Internal, format!("cannot start the runtime: {e}")))
}

fn run(m: &ArgMatches) -> Result<(), Failure> {
    match m.subcommand() {
        Some(("services", s)) => services(s.get_flag("json")),
        Some(("banks", s)) => banks(
            s.get_one::<String>("service")
                .map(String::as_str)
                .unwrap_or_default(),
            s.get_flag("json"),
        ),
        Some(("payment", s)) => match s.subcommand() {
            Some(("create", c)) => create(m, c, Direction::Payment),
            Some(("status", c)) => status(m, c, Direction::Payment),
            _ => Err(Failure::usage("payment needs a subcommand")),
        },
        Some(("payout", s)) => match s.subcommand() {
            Some(("create", c)) => create(m, c, Direction::Payout),
            Some(("status", c)) => status(m, c, Direction::Payout),
            _ => Err(Failure::usage("payout needs a subcommand")),
        },
        Some(("sign", _)) => sign(m),
        Some(("keygen", s)) => {
            let out = s.get_one::<PathBuf>("out").cloned().unwrap_or_default();
            let set = keygen::write_key_set(&out)?;
            println!(
                "wrote {}, {}, {}",
                set.private_pem.display(),
                set.password.display(),
                set.public_pem.display()
            );
            Ok(())
        }
        Some(("sandbox", s)) => sandbox_cmd::run(m, s),
        Some(("demo", _)) => demo::run(),
        _ => Err(Failure::usage("unknown command")),
    }
}

fn print_json(v: &impl serde::Serialize) -> Result<(), Failure> {
    let text =
        serde_json::to_string_pretty(v).map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn services(json: bool) -> Result<(), Failure> {
    if json {
        print!("{}", catalogue::catalogue_json());
        return Ok(());
    }
    let rows: Vec<Vec<String>> = catalogue::services()
        .iter()
        .map(|s| {
            vec![
                s.code.to_string(),
                s.direction.as_str().to_string(),
                s.region.to_string(),
                s.currency.to_string(),
                s.flow.map(|f| f.as_str()).unwrap_or("-").to_string(),
                s.required_fields()
                    .filter(|f| !matches!(*f, "amount" | "order_id" | "service"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if s.banks.is_empty() {
                    "-".into()
                } else {
                    s.banks.len().to_string()
                },
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(
            &[
                "service",
                "direction",
                "region",
                "currency",
                "flow",
                "also required",
                "banks"
            ],
            &rows
        )
    );
    Ok(())
}

fn banks(code: &str, json: bool) -> Result<(), Failure> {
    let s = catalogue::service(code).ok_or_else(|| {
        Failure::usage(format!(
            "unknown service `{code}`; `alikassa services` lists them"
        ))
    })?;
    if json {
        let list: Vec<Value> = s
            .banks
            .iter()
            .map(|b| serde_json::json!({"code": b.code, "name": b.name}))
            .collect();
        return print_json(&list);
    }
    if s.banks.is_empty() {
        println!("{code}: the documents list no bank codes for this service");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = s
        .banks
        .iter()
        .map(|b| vec![b.code.to_string(), b.name.to_string()])
        .collect();
    print!("{}", table::render(&["code", "bank"], &rows));
    Ok(())
}

fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))
    }
}

/// Fields in the input that the documents do not define for the service: refused
/// rather than silently dropped (a misspelt optional field would be lost).
fn undocumented_fields(v: &Value) -> Result<(), Failure> {
    let (Some(object), Some(code)) = (v.as_object(), v.get("service").and_then(Value::as_str))
    else {
        return Ok(());
    };
    let Some(service) = catalogue::service(code) else {
        return Ok(());
    };
    let unknown: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| !service.fields.iter().any(|f| f.name == *k))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(Failure::new(
        Kind::InvalidRequest,
        format!(
            "invalid request: {} not documented for `{code}` (not sent)",
            unknown
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
                + if unknown.len() == 1 { " is" } else { " are" }
        ),
    ))
}

fn client(m: &ArgMatches) -> Result<Client, Failure> {
    let mut b = Client::builder();
    let account = m
        .get_one::<String>("account")
        .ok_or_else(|| Failure::usage("no account: pass --account or set ALIKASSA_ACCOUNT"))?;
    b = b.account(account).cert_dir(
        m.get_one::<String>("cert-dir")
            .map(String::as_str)
            .unwrap_or(alikassa_client::DEFAULT_CERT_DIR),
    );
    if let Some(d) = m.get_one::<String>("payout-cert-dir") {
        b = b.payout_cert_dir(d);
    }
    if let Some(u) = m.get_one::<String>("base-url") {
        b = b.base_url(u);
    }
    b = b.digest(digest(m));
    b.build().map_err(Failure::from)
}

fn digest(m: &ArgMatches) -> Digest {
    match m.get_one::<String>("digest").map(String::as_str) {
        Some("sha256") => Digest::Sha256,
        _ => Digest::Sha1,
    }
}

fn create(m: &ArgMatches, c: &ArgMatches, direction: Direction) -> Result<(), Failure> {
    let input = read_input(
        c.get_one::<String>("json")
            .map(String::as_str)
            .unwrap_or("-"),
    )?;
    let v: Value = serde_json::from_slice(&input)
        .map_err(|e| Failure::usage(format!("the input is not JSON: {e}")))?;
    undocumented_fields(&v)?;
    let rt = runtime()?;
    match direction {
        Direction::Payout => {
            let request = PayoutRequest::from_json(&v)
                .map_err(|e| Failure::new(Kind::InvalidRequest, format!("{e} (not sent)")))?;
            let client = client(m)?;
            print_json(&rt.block_on(client.create_payout(request))?)
        }
        _ => {
            let request = PaymentRequest::from_json(&v)
                .map_err(|e| Failure::new(Kind::InvalidRequest, format!("{e} (not sent)")))?;
            let client = client(m)?;
            print_json(&rt.block_on(client.create_payment(request))?)
        }
    }
}

fn status(m: &ArgMatches, c: &ArgMatches, direction: Direction) -> Result<(), Failure> {
    let query = match (c.get_one::<String>("order-id"), c.get_one::<String>("id")) {
        (Some(o), _) => StatusQuery::OrderId(o.clone()),
        (None, Some(id)) => StatusQuery::Id(id.clone()),
        (None, None) => return Err(Failure::usage("pass --order-id or --id")),
    };
    query
        .validate()
        .map_err(|e| Failure::new(Kind::InvalidRequest, format!("{e} (not sent)")))?;
    let client = client(m)?;
    let rt = runtime()?;
    let wait = c.get_flag("wait");
    let max_wait = Duration::from_secs(c.get_one::<u64>("max-wait").copied().unwrap_or(900));
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    let mut spinner = Spinner::new(wait);
    loop {
        let (value, is_final) = rt.block_on(async {
            match direction {
                Direction::Payout => client
                    .payout_status(query.clone())
                    .await
                    .map(|d| (serde_json::to_value(&d), d.payment_status.is_final())),
                _ => client
                    .payment_status(query.clone())
                    .await
                    .map(|d| (serde_json::to_value(&d), d.payment_status.is_final())),
            }
        })?;
        let value = value.map_err(|e| Failure::new(Kind::Internal, e.to_string()))?;
        if !wait || is_final {
            spinner.clear();
            return print_json(&value);
        }
        if started.elapsed() >= max_wait {
            spinner.clear();
            print_json(&value)?;
            return Err(Failure::new(
                Kind::Transport,
                format!("still not final after {max_wait:?}"),
            ));
        }
        let status = value
            .get("payment_status")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let until = Instant::now() + delay;
        while Instant::now() < until {
            spinner.tick(&status);
            std::thread::sleep(Duration::from_millis(100));
        }
        delay = (delay * 2).min(Duration::from_secs(15));
    }
}

/// A spinner on stderr while waiting, only when stderr is a terminal.
struct Spinner {
    on: bool,
    frame: usize,
}

impl Spinner {
    fn new(wanted: bool) -> Self {
        Spinner {
            on: wanted && std::io::stderr().is_terminal(),
            frame: 0,
        }
    }
    fn tick(&mut self, status: &str) {
        if self.on {
            const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
            self.frame = (self.frame + 1) % FRAMES.len();
            eprint!("\r{} status: {status}   ", FRAMES[self.frame]);
            let _ = std::io::stderr().flush();
        }
    }
    fn clear(&mut self) {
        if self.on {
            eprint!("\r{:40}\r", "");
        }
    }
}

fn sign(m: &ArgMatches) -> Result<(), Failure> {
    let dir = m
        .get_one::<String>("cert-dir")
        .map(String::as_str)
        .unwrap_or(alikassa_client::DEFAULT_CERT_DIR);
    let key = PrivateKey::from_dir(std::path::Path::new(dir))
        .map_err(|e| Failure::new(Kind::Credentials, e.to_string()))?;
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
    let signer = alikassa_client::RsaSigner::new(key, digest(m));
    let signature = signer
        .sign(&body)
        .map_err(|e| Failure::new(Kind::Credentials, e.to_string()))?;
    println!("{}", alikassa_client::signing::sign_header(&signature));
    Ok(())
}
