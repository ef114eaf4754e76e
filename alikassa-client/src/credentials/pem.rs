//! A small PEM reader that keeps RFC 1421 headers (`Proc-Type`, `DEK-Info`).
//!
//! The `pem-rfc7468` reader used by `pkcs1`/`pkcs8` refuses headers, which the legacy
//! OpenSSL `RSA PRIVATE KEY` format needs, so blocks are split and decoded here.
//! Nothing read from inside a block ever goes into an error message.

use base64::Engine as _;
use zeroize::Zeroizing;

use super::CredentialError;

/// One `-----BEGIN label-----` ... `-----END label-----` block.
pub(crate) struct PemBlock {
    /// The label, e.g. `RSA PRIVATE KEY`.
    pub(crate) label: String,
    /// `Name: value` headers, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// The base64-decoded body.
    pub(crate) der: Zeroizing<Vec<u8>>,
}

impl PemBlock {
    /// The value of header `name` (case-insensitive), if present.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// Split `input` into PEM blocks. Text outside blocks is ignored.
pub(crate) fn parse(input: &[u8]) -> Result<Vec<PemBlock>, CredentialError> {
    let mut blocks = Vec::new();
    let mut lines = input.split(|&b| b == b'\n').map(trim_line);
    while let Some(line) = lines.next() {
        let Some(label) = armour_label(line, BEGIN) else {
            continue;
        };
        let label = label_string(label)?;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut body = Zeroizing::new(Vec::<u8>::new());
        let mut in_headers = true;
        let mut closed = false;
        for line in lines.by_ref() {
            if let Some(end_label) = armour_label(line, END) {
                if end_label != label.as_bytes() {
                    return Err(CredentialError::malformed(format!(
                        "the `-----BEGIN {label}-----` block ends with a different END line"
                    )));
                }
                closed = true;
                break;
            }
            if line.starts_with(BEGIN) {
                break;
            }
            if line.is_empty() {
                in_headers = false;
                continue;
            }
            if in_headers {
                if let Some(colon) = line.iter().position(|&b| b == b':') {
                    let name = String::from_utf8_lossy(&line[..colon]).trim().to_owned();
                    let value = String::from_utf8_lossy(&line[colon + 1..])
                        .trim()
                        .to_owned();
                    headers.push((name, value));
                    continue;
                }
                if matches!(line.first(), Some(b' ' | b'\t')) {
                    if let Some((_, value)) = headers.last_mut() {
                        value.push_str(String::from_utf8_lossy(line).trim());
                        continue;
                    }
                }
                in_headers = false;
            }
            body.extend(line.iter().copied().filter(|b| !b.is_ascii_whitespace()));
        }
        if !closed {
            return Err(CredentialError::malformed(format!(
                "the `{label}` PEM block has no `-----END {label}-----` line: the file is truncated"
            )));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_slice())
            .map_err(|_| {
                CredentialError::malformed(format!(
                    "the `{label}` PEM block is not valid base64: the file is damaged or truncated"
                ))
            })?;
        blocks.push(PemBlock {
            label,
            headers,
            der: Zeroizing::new(der),
        });
    }
    if blocks.is_empty() {
        return Err(CredentialError::malformed(
            if input.first() == Some(&0x30) {
                "the data is binary DER, not PEM; convert it with \
             `openssl pkey -inform DER -in key.der -out private.pem`"
                    .to_owned()
            } else if input.iter().all(u8::is_ascii_whitespace) {
                "the key file is empty".to_owned()
            } else {
                "no `-----BEGIN ...-----` PEM block found".to_owned()
            },
        ));
    }
    Ok(blocks)
}

/// Trim a trailing `\r` and surrounding blanks.
fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

/// If `line` is `{prefix}LABEL-----`, the label.
fn armour_label<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(prefix)?.strip_suffix(DASHES)
}

fn label_string(label: &[u8]) -> Result<String, CredentialError> {
    match std::str::from_utf8(label) {
        Ok(s) if s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') => Ok(s.to_owned()),
        _ => Err(CredentialError::malformed(
            "a PEM BEGIN line has a label that is not ASCII".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_body_with_crlf() {
        let pem = b"junk\r\n-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\n\
DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\r\n\r\nAAEC\r\nAw==\r\n\
-----END RSA PRIVATE KEY-----\r\n";
        let blocks = parse(pem).map_err(|e| e.to_string()).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].label, "RSA PRIVATE KEY");
        assert_eq!(blocks[0].header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(
            blocks[0].header("DEK-Info"),
            Some("AES-128-CBC,00112233445566778899AABBCCDDEEFF")
        );
        assert_eq!(blocks[0].der.as_slice(), &[0, 1, 2, 3]);
    }

    #[test]
    fn missing_end_is_truncation() {
        let err = parse(b"-----BEGIN PRIVATE KEY-----\nAAEC\n").err();
        assert!(
            matches!(&err, Some(CredentialError::Malformed { detail }) if detail.contains("truncated")),
            "{err:?}"
        );
    }

    #[test]
    fn mismatched_end_and_bad_base64_are_malformed() {
        assert!(matches!(
            parse(b"-----BEGIN PRIVATE KEY-----\nAAEC\n-----END PUBLIC KEY-----\n"),
            Err(CredentialError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"-----BEGIN PRIVATE KEY-----\nAAE\n-----END PRIVATE KEY-----\n"),
            Err(CredentialError::Malformed { .. })
        ));
        assert!(matches!(parse(b""), Err(CredentialError::Malformed { .. })));
        assert!(matches!(
            parse(&[0x30, 0x82, 1, 2]),
            Err(CredentialError::Malformed { .. })
        ));
    }
}
