//! Human names for the object identifiers that show up in key files, so that errors
//! say `pbeWithSHA1And3-KeyTripleDES-CBC` rather than `1.2.840.113549.1.12.1.3`.

use pkcs8::ObjectIdentifier;

/// `rsaEncryption`.
pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey`.
pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// PBES2.
pub(crate) const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
/// PBKDF2.
pub(crate) const PBKDF2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");
/// scrypt.
pub(crate) const SCRYPT: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11591.4.11");

/// PBES2 ciphers the `pkcs8` crate decrypts with the features this crate enables.
pub(crate) const PBES2_CIPHERS: [ObjectIdentifier; 4] = [
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.2"),
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.22"),
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42"),
    ObjectIdentifier::new_unwrap("1.2.840.113549.3.7"),
];

const NAMES: &[(&str, &str)] = &[
    // PKCS#12 password-based encryption (what `-v1 PBE-SHA1-3DES` writes).
    ("1.2.840.113549.1.12.1.1", "pbeWithSHA1And128BitRC4"),
    ("1.2.840.113549.1.12.1.2", "pbeWithSHA1And40BitRC4"),
    (
        "1.2.840.113549.1.12.1.3",
        "pbeWithSHA1And3-KeyTripleDES-CBC",
    ),
    (
        "1.2.840.113549.1.12.1.4",
        "pbeWithSHA1And2-KeyTripleDES-CBC",
    ),
    ("1.2.840.113549.1.12.1.5", "pbeWithSHA1And128BitRC2-CBC"),
    ("1.2.840.113549.1.12.1.6", "pbeWithSHA1And40BitRC2-CBC"),
    // PKCS#5 PBES1.
    ("1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC"),
    ("1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"),
    ("1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC"),
    ("1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC"),
    ("1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"),
    ("1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC"),
    // PBES2 building blocks.
    ("1.2.840.113549.1.5.13", "PBES2"),
    ("1.2.840.113549.1.5.12", "PBKDF2"),
    ("1.3.6.1.4.1.11591.4.11", "scrypt"),
    ("1.2.840.113549.2.7", "hmacWithSHA1"),
    ("1.2.840.113549.2.8", "hmacWithSHA224"),
    ("1.2.840.113549.2.9", "hmacWithSHA256"),
    ("1.2.840.113549.2.10", "hmacWithSHA384"),
    ("1.2.840.113549.2.11", "hmacWithSHA512"),
    ("1.2.840.113549.2.12", "hmacWithSHA512-224"),
    ("1.2.840.113549.2.13", "hmacWithSHA512-256"),
    ("1.2.643.7.1.1.4.1", "HMAC-GOSTR3411-2012-256"),
    ("2.16.840.1.101.3.4.1.2", "aes-128-cbc"),
    ("2.16.840.1.101.3.4.1.22", "aes-192-cbc"),
    ("2.16.840.1.101.3.4.1.42", "aes-256-cbc"),
    ("2.16.840.1.101.3.4.1.6", "aes-128-gcm"),
    ("2.16.840.1.101.3.4.1.26", "aes-192-gcm"),
    ("2.16.840.1.101.3.4.1.46", "aes-256-gcm"),
    ("1.2.840.113549.3.7", "des-ede3-cbc"),
    ("1.3.14.3.2.7", "des-cbc"),
    ("1.2.840.113549.3.2", "rc2-cbc"),
    ("1.2.392.200011.61.1.1.1.2", "camellia-128-cbc"),
    ("1.2.392.200011.61.1.1.1.3", "camellia-192-cbc"),
    ("1.2.392.200011.61.1.1.1.4", "camellia-256-cbc"),
    ("1.2.410.200046.1.1.12", "aria-256-cbc"),
    ("1.2.156.10197.1.104.2", "sm4-cbc"),
    // Key algorithms.
    ("1.2.840.113549.1.1.1", "RSA"),
    ("1.2.840.113549.1.1.10", "RSASSA-PSS"),
    ("1.2.840.10045.2.1", "EC"),
    ("1.3.101.110", "X25519"),
    ("1.3.101.111", "X448"),
    ("1.3.101.112", "Ed25519"),
    ("1.3.101.113", "Ed448"),
    ("1.2.840.10040.4.1", "DSA"),
    ("1.2.840.113549.1.3.1", "DH"),
    ("1.2.840.10046.2.1", "X9.42 DH"),
    ("1.2.156.10197.1.301", "SM2"),
    // Named curves.
    ("1.2.840.10045.3.1.7", "P-256"),
    ("1.3.132.0.34", "P-384"),
    ("1.3.132.0.35", "P-521"),
    ("1.3.132.0.10", "secp256k1"),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
];

/// The conventional name of `oid`, or its dotted form when unknown.
pub(crate) fn name(oid: &ObjectIdentifier) -> String {
    let dotted = oid.to_string();
    NAMES
        .iter()
        .find(|(o, _)| *o == dotted)
        .map_or(dotted, |(_, n)| (*n).to_owned())
}

/// Why an outer (non-PBES2) PKCS#8 encryption OID is not supported, for the error text.
pub(crate) fn scheme_family(oid: &ObjectIdentifier) -> &'static str {
    let dotted = oid.to_string();
    if dotted.starts_with("1.2.840.113549.1.12.1.") {
        " (PKCS#12 PBE, i.e. PKCS#8 PBES1: OpenSSL 1.0's `-topk8` default)"
    } else if dotted.starts_with("1.2.840.113549.1.5.") {
        " (PKCS#5 PBES1)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            name(&ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3")),
            "pbeWithSHA1And3-KeyTripleDES-CBC"
        );
        assert_eq!(name(&ObjectIdentifier::new_unwrap("1.2.3.4")), "1.2.3.4");
        assert_eq!(name(&RSA_ENCRYPTION), "RSA");
    }
}
