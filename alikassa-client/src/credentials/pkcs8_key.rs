//! PKCS#8 keys: `ENCRYPTED PRIVATE KEY` (PBES2) and `PRIVATE KEY`, and the
//! algorithm checks shared with SEC1 / SPKI documents.

use pkcs8::der::asn1::{AnyRef, ContextSpecific, OctetStringRef};
use pkcs8::der::{Decode as _, ErrorKind, Reader as _, TagNumber};
use pkcs8::{
    pkcs5, AlgorithmIdentifierRef, EncryptedPrivateKeyInfo, ObjectIdentifier, PrivateKeyInfo,
};
use rsa::RsaPrivateKey;

use super::{oids, CredentialError, KeyFormat};

/// Check the encryption scheme of an `ENCRYPTED PRIVATE KEY` and parse it.
///
/// Unsupported schemes (PBES1, PKCS#12 PBE, unknown PBES2 ciphers) are reported by
/// name before any password is asked for.
pub(crate) fn prepare_encrypted(
    der: &[u8],
) -> Result<EncryptedPrivateKeyInfo<'_>, CredentialError> {
    let malformed = |e: pkcs8::der::Error| {
        CredentialError::malformed(format!("the `ENCRYPTED PRIVATE KEY` is not valid DER: {e}"))
    };
    let (scheme, params) = AnyRef::from_der(der)
        .and_then(|any| {
            any.sequence(|r| {
                let alg = AlgorithmIdentifierRef::decode(r)?;
                let _data = OctetStringRef::decode(r)?;
                Ok((alg.oid, alg.parameters))
            })
        })
        .map_err(malformed)?;
    if scheme != oids::PBES2 {
        return Err(CredentialError::UnsupportedAlgorithm {
            algorithm: oids::name(&scheme),
            detail: oids::scheme_family(&scheme).to_owned(),
        });
    }
    // PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }
    if let Some((kdf, cipher)) = params.and_then(|p| {
        p.sequence(|r| {
            let kdf = AlgorithmIdentifierRef::decode(r)?;
            let cipher = AlgorithmIdentifierRef::decode(r)?;
            Ok((kdf.oid, cipher.oid))
        })
        .ok()
    }) {
        if kdf != oids::PBKDF2 && kdf != oids::SCRYPT {
            return Err(unsupported_in_pbes2(&kdf));
        }
        if !oids::PBES2_CIPHERS.contains(&cipher) {
            return Err(unsupported_in_pbes2(&cipher));
        }
    }
    EncryptedPrivateKeyInfo::from_der(der).map_err(|e| match e.kind() {
        ErrorKind::OidUnknown { oid } => unsupported_in_pbes2(&oid),
        _ => malformed(e),
    })
}

fn unsupported_in_pbes2(oid: &ObjectIdentifier) -> CredentialError {
    CredentialError::UnsupportedAlgorithm {
        algorithm: oids::name(oid),
        detail: " (in PKCS#8 PBES2; supported: PBKDF2 with HMAC-SHA1/SHA-2 or scrypt, \
                 and AES-128/192/256-CBC or DES-EDE3-CBC)"
            .to_owned(),
    }
}

/// Decrypt a prepared `ENCRYPTED PRIVATE KEY` with `password`.
pub(crate) fn decrypt(
    info: &EncryptedPrivateKeyInfo<'_>,
    password: &[u8],
) -> Result<RsaPrivateKey, CredentialError> {
    let wrong = || CredentialError::WrongPassword {
        format: KeyFormat::EncryptedPkcs8,
    };
    match info.decrypt(password) {
        Ok(doc) => {
            // The padding check passes for a wrong password about once in 256 tries;
            // what comes out then is not a PrivateKeyInfo.
            let pki = PrivateKeyInfo::from_der(doc.as_bytes()).map_err(|_| wrong())?;
            rsa_from_private_key_info(pki)
        }
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::UnsupportedAlgorithm { oid })) => {
            Err(unsupported_in_pbes2(&oid))
        }
        Err(pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::AlgorithmParametersInvalid {
            oid,
        })) => Err(CredentialError::malformed(format!(
            "the `ENCRYPTED PRIVATE KEY` has invalid {} parameters",
            oids::name(&oid)
        ))),
        // DecryptFailed (bad padding), or decrypted bytes that are not DER.
        Err(_) => Err(wrong()),
    }
}

/// Parse an unencrypted `PRIVATE KEY`.
pub(crate) fn parse_plain(der: &[u8]) -> Result<RsaPrivateKey, CredentialError> {
    let pki = PrivateKeyInfo::from_der(der).map_err(|e| {
        CredentialError::malformed(format!("the `PRIVATE KEY` is not valid PKCS#8 DER: {e}"))
    })?;
    rsa_from_private_key_info(pki)
}

fn rsa_from_private_key_info(pki: PrivateKeyInfo<'_>) -> Result<RsaPrivateKey, CredentialError> {
    if pki.algorithm.oid != oids::RSA_ENCRYPTION {
        return Err(CredentialError::NotRsa {
            found: describe_algorithm(&pki.algorithm),
        });
    }
    RsaPrivateKey::try_from(pki).map_err(|e| CredentialError::InvalidKey {
        detail: e.to_string(),
    })
}

/// "an EC key (P-256)", "an Ed25519 key", ...
pub(crate) fn describe_algorithm(alg: &AlgorithmIdentifierRef<'_>) -> String {
    let name = oids::name(&alg.oid);
    if alg.oid == oids::EC_PUBLIC_KEY {
        if let Ok(curve) = alg.parameters_oid() {
            return format!("an EC key (curve {})", oids::name(&curve));
        }
    }
    let article = if name.starts_with(['A', 'E', 'I', 'O', 'R', 'S', 'X']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {name} key")
}

/// The curve named in a SEC1 `ECPrivateKey`, when it can be read.
pub(crate) fn sec1_curve(der: &[u8]) -> Option<String> {
    let any = AnyRef::from_der(der).ok()?;
    let curve = any
        .sequence(|r| {
            let _version = u8::decode(r)?;
            let _key = OctetStringRef::decode(r)?;
            let params = ContextSpecific::<ObjectIdentifier>::decode_explicit(r, TagNumber::N0)?;
            let rest = r.remaining_len();
            r.read_slice(rest)?;
            Ok(params.map(|p| p.value))
        })
        .ok()??;
    Some(oids::name(&curve))
}
