//! Legacy OpenSSL "traditional" encrypted keys: `RSA PRIVATE KEY` with
//! `Proc-Type: 4,ENCRYPTED` and `DEK-Info: <cipher>,<hex IV>`.
//!
//! The key is derived with OpenSSL's `EVP_BytesToKey` (MD5, one round, salt = the first
//! 8 bytes of the IV), the body is decrypted in CBC mode with PKCS#7 padding and the
//! result is a PKCS#1 `RSAPrivateKey`. The format has no MAC: the padding and the DER
//! structure are the only signs of a wrong password, and both are reported as one.

use cbc::cipher::{
    block_padding::{NoPadding, Pkcs7},
    BlockCipher, BlockDecryptMut, KeyInit, KeyIvInit,
};
use md5::{Digest as _, Md5};
use pkcs1::der::Decode as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::RsaPrivateKey;
use zeroize::Zeroizing;

use super::pem::PemBlock;
use super::{CredentialError, KeyFormat};

/// A cipher OpenSSL writes in `DEK-Info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    DesEde3,
}

impl Cipher {
    fn from_dek_name(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "AES-128-CBC" => Some(Self::Aes128),
            "AES-192-CBC" => Some(Self::Aes192),
            "AES-256-CBC" => Some(Self::Aes256),
            "DES-EDE3-CBC" => Some(Self::DesEde3),
            _ => None,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Self::Aes128 => 16,
            Self::Aes192 | Self::DesEde3 => 24,
            Self::Aes256 => 32,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Self::DesEde3 => 8,
            _ => 16,
        }
    }
}

/// An encrypted legacy key whose headers have been checked; see [`prepare`].
pub(crate) struct LegacyEncrypted<'a> {
    cipher: Cipher,
    iv: Vec<u8>,
    ciphertext: &'a [u8],
}

/// `None` when `block` is a plain (unencrypted) PKCS#1 key; otherwise the parsed
/// `DEK-Info`, or an error when the headers are malformed or name an unsupported cipher.
pub(crate) fn prepare(block: &PemBlock) -> Result<Option<LegacyEncrypted<'_>>, CredentialError> {
    let dek = block.header("DEK-Info");
    match block.header("Proc-Type") {
        None if dek.is_none() => return Ok(None),
        None => {
            return Err(CredentialError::malformed(
                "the `RSA PRIVATE KEY` has a `DEK-Info` header but no `Proc-Type`".to_owned(),
            ))
        }
        Some(p) if p.replace(' ', "").eq_ignore_ascii_case("4,ENCRYPTED") => {}
        Some(_) => {
            return Err(CredentialError::malformed(
                "the `RSA PRIVATE KEY` has a `Proc-Type` header other than `4,ENCRYPTED`"
                    .to_owned(),
            ))
        }
    }
    let dek = dek.ok_or_else(|| {
        CredentialError::malformed(
            "the `RSA PRIVATE KEY` is marked `Proc-Type: 4,ENCRYPTED` but has no `DEK-Info`"
                .to_owned(),
        )
    })?;
    let (name, iv_hex) = dek.split_once(',').ok_or_else(|| {
        CredentialError::malformed("the `DEK-Info` header is not `<cipher>,<hex IV>`".to_owned())
    })?;
    let name = name.trim();
    let cipher =
        Cipher::from_dek_name(name).ok_or_else(|| CredentialError::UnsupportedAlgorithm {
            algorithm: name.to_owned(),
            detail:
                " (legacy `DEK-Info` cipher; supported: AES-128-CBC, AES-192-CBC, AES-256-CBC, \
                 DES-EDE3-CBC)"
                    .to_owned(),
        })?;
    let iv = decode_hex(iv_hex.trim())
        .filter(|iv| iv.len() == cipher.block_len())
        .ok_or_else(|| {
            CredentialError::malformed(format!(
                "the `DEK-Info` IV is not {} hex-encoded bytes",
                cipher.block_len()
            ))
        })?;
    if block.der.is_empty() || block.der.len() % cipher.block_len() != 0 {
        return Err(CredentialError::malformed(format!(
            "the encrypted `RSA PRIVATE KEY` body is not a whole number of {}-byte blocks: \
             the file is truncated",
            cipher.block_len()
        )));
    }
    Ok(Some(LegacyEncrypted {
        cipher,
        iv,
        ciphertext: block.der.as_slice(),
    }))
}

impl LegacyEncrypted<'_> {
    /// Decrypt with `password` and parse the PKCS#1 key inside.
    pub(crate) fn decrypt(&self, password: &[u8]) -> Result<RsaPrivateKey, CredentialError> {
        let wrong = || CredentialError::WrongPassword {
            format: KeyFormat::LegacyEncryptedPkcs1,
        };
        let mut salt = [0u8; 8];
        salt.copy_from_slice(&self.iv[..8]);
        let key = evp_bytes_to_key(password, &salt, self.cipher.key_len());
        let mut buf = Zeroizing::new(self.ciphertext.to_vec());
        let Some(plain_len) = self.cbc(&key, &mut buf, false) else {
            return Err(if self.is_truncated(&key) {
                CredentialError::malformed(
                    "the encrypted `RSA PRIVATE KEY` is shorter than the key it holds: \
                     the file is truncated"
                        .to_owned(),
                )
            } else {
                wrong()
            });
        };
        let plain = &buf[..plain_len];
        // A wrong key yields valid padding about once in 256 tries; the DER check
        // catches those.
        pkcs1::RsaPrivateKey::from_der(plain).map_err(|_| wrong())?;
        RsaPrivateKey::from_pkcs1_der(plain).map_err(|e| CredentialError::InvalidKey {
            detail: e.to_string(),
        })
    }
}

impl LegacyEncrypted<'_> {
    /// CBC-decrypt `buf` in place with the cipher of `DEK-Info`; unless `raw`, strip
    /// PKCS#7 padding. The plaintext length, or `None` when the padding is wrong.
    fn cbc(&self, key: &[u8], buf: &mut [u8], raw: bool) -> Option<usize> {
        match self.cipher {
            Cipher::Aes128 => cbc_decrypt::<aes::Aes128>(key, &self.iv, buf, raw),
            Cipher::Aes192 => cbc_decrypt::<aes::Aes192>(key, &self.iv, buf, raw),
            Cipher::Aes256 => cbc_decrypt::<aes::Aes256>(key, &self.iv, buf, raw),
            Cipher::DesEde3 => cbc_decrypt::<des::TdesEde3>(key, &self.iv, buf, raw),
        }
    }

    /// After a padding failure: does the first block decrypt to the start of a PKCS#1
    /// `RSAPrivateKey` (`30 82 LL LL 02 01 00`) announcing more bytes than the file
    /// holds? Then the password is right and the file was cut on a block boundary. A
    /// wrong password produces those 7 bytes with probability 2^-56.
    fn is_truncated(&self, key: &[u8]) -> bool {
        let block = self.cipher.block_len();
        let mut first = Zeroizing::new(self.ciphertext[..block].to_vec());
        if self.cbc(key, &mut first, true).is_none() {
            return false;
        }
        match first.as_slice() {
            [0x30, 0x82, hi, lo, 0x02, 0x01, 0x00, ..] => {
                ((usize::from(*hi) << 8) | usize::from(*lo))
                    > self.ciphertext.len().saturating_sub(4)
            }
            _ => false,
        }
    }
}

/// CBC-decrypt `buf` in place; unless `raw`, strip PKCS#7 padding. The plaintext
/// length, or `None` when the padding is wrong.
fn cbc_decrypt<C>(key: &[u8], iv: &[u8], buf: &mut [u8], raw: bool) -> Option<usize>
where
    C: BlockDecryptMut + BlockCipher + KeyInit,
{
    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    if raw {
        decryptor
            .decrypt_padded_mut::<NoPadding>(buf)
            .ok()
            .map(<[u8]>::len)
    } else {
        decryptor
            .decrypt_padded_mut::<Pkcs7>(buf)
            .ok()
            .map(<[u8]>::len)
    }
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one iteration, as used by legacy PEM
/// encryption: `D_1 = MD5(password || salt)`, `D_i = MD5(D_{i-1} || password || salt)`,
/// key = the first `key_len` bytes of `D_1 || D_2 || ...`.
pub(crate) fn evp_bytes_to_key(
    password: &[u8],
    salt: &[u8; 8],
    key_len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(key_len + 16));
    let mut prev = Zeroizing::new([0u8; 16]);
    let mut first = true;
    while out.len() < key_len {
        let mut md5 = Md5::new();
        if !first {
            md5.update(prev.as_slice());
        }
        md5.update(password);
        md5.update(salt);
        prev.copy_from_slice(&md5.finalize());
        out.extend_from_slice(prev.as_slice());
        first = false;
    }
    out.truncate(key_len);
    out
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() % 2 != 0 {
        return None;
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        decode_hex(s).unwrap_or_else(|| panic!("bad hex in test vector: {s}"))
    }

    const SALT: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

    // Vectors computed with OpenSSL 3.0:
    //   openssl enc -aes-128-cbc -pass pass:secret -S 0102030405060708 -P -md md5
    // `key` is what EVP_BytesToKey returns; for aes-128 the derived IV is the next 16
    // bytes of the same stream, so the aes-256 key is the aes-128 key || aes-128 IV.
    #[test]
    fn evp_bytes_to_key_matches_openssl_enc() {
        assert_eq!(
            evp_bytes_to_key(b"secret", &SALT, 16).as_slice(),
            hex("C9E5A1BD216DBE1317E230CEF48F38EE")
        );
        assert_eq!(
            evp_bytes_to_key(b"secret", &SALT, 24).as_slice(),
            hex("C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144")
        );
        assert_eq!(
            evp_bytes_to_key(b"secret", &SALT, 32).as_slice(),
            hex("C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144BCCEC4A1AA2879AB")
        );
        // openssl enc -des-ede3-cbc -pass pass: -S 0102030405060708 -P -md md5
        assert_eq!(
            evp_bytes_to_key(b"", &SALT, 24).as_slice(),
            hex("0EE0646C1C77D8131CC8F4EE65C7673BD9C71573D83F4869")
        );
        // openssl enc -aes-256-cbc -pass pass:k3y-Fixture-pw-7Qm2 -S ffeeddccbbaa9988 -P -md md5
        assert_eq!(
            evp_bytes_to_key(
                b"k3y-Fixture-pw-7Qm2",
                &[0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88],
                32
            )
            .as_slice(),
            hex("23F387F4BFA02AD276BF380FE81EFC7C4CF1C1F95E3CADA052B376882ACE0C52")
        );
    }

    /// A wrong password whose decryption happens to end in valid PKCS#7 padding must
    /// still be reported as a wrong password (the DER check), not as a parse error.
    #[test]
    fn wrong_password_with_valid_padding_is_wrong_password() {
        let pem = include_bytes!("../../tests/fixtures/keys/private-legacy-aes128.pem");
        let blocks = super::super::pem::parse(pem)
            .map_err(|e| e.to_string())
            .unwrap();
        let enc = prepare(&blocks[0])
            .map_err(|e| e.to_string())
            .unwrap()
            .unwrap_or_else(|| panic!("fixture should be encrypted"));
        let mut salt = [0u8; 8];
        salt.copy_from_slice(&enc.iv[..8]);
        let mut hits = 0;
        for i in 0..5000 {
            let pw = format!("wrong-{i}");
            let key = evp_bytes_to_key(pw.as_bytes(), &salt, 16);
            let mut buf = enc.ciphertext.to_vec();
            if cbc_decrypt::<aes::Aes128>(&key, &enc.iv, &mut buf, false).is_none() {
                continue;
            }
            hits += 1;
            assert!(
                matches!(
                    enc.decrypt(pw.as_bytes()),
                    Err(CredentialError::WrongPassword {
                        format: KeyFormat::LegacyEncryptedPkcs1
                    })
                ),
                "{pw}"
            );
        }
        // ~5000/256 expected; zero would mean the branch was never exercised.
        assert!(hits > 3, "only {hits} wrong passwords had valid padding");
        assert!(enc.decrypt(b"k3y-Fixture-pw-7Qm2").is_ok());
    }

    /// Asks the `openssl` command line directly, so the vectors above cannot drift.
    #[test]
    fn evp_bytes_to_key_matches_live_openssl() {
        for (cipher, len, pass, salt) in [
            ("aes-128-cbc", 16, "secret", "0102030405060708"),
            (
                "aes-192-cbc",
                24,
                "pässwörd with spaces",
                "a1b2c3d4e5f60718",
            ),
            ("aes-256-cbc", 32, "x", "0000000000000000"),
            ("des-ede3-cbc", 24, "another one", "deadbeefcafebabe"),
        ] {
            let out = std::process::Command::new("openssl")
                .args(["enc", &format!("-{cipher}"), "-P", "-md", "md5", "-S", salt])
                .args(["-pass", &format!("pass:{pass}")])
                .output();
            let out = match out {
                Ok(o) => o,
                Err(e) => {
                    panic!("the `openssl` command is required for this test (install OpenSSL): {e}")
                }
            };
            let stdout = String::from_utf8_lossy(&out.stdout);
            let key_line = stdout
                .lines()
                .find_map(|l| l.strip_prefix("key="))
                .unwrap_or_else(|| panic!("unexpected `openssl enc -P` output: {stdout}"));
            let salt_bytes: [u8; 8] = hex(salt).try_into().unwrap_or_else(|_| panic!("salt"));
            assert_eq!(
                evp_bytes_to_key(pass.as_bytes(), &salt_bytes, len).as_slice(),
                hex(key_line.trim()),
                "{cipher} pass={pass:?} salt={salt}"
            );
        }
    }
}
