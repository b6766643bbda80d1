//! Reading a key delivered as PKCS#12 (`.p12`, `.pfx`; RFC 7292), the
//! form in which certificate authorities hand out a person's or an
//! office's key, so that the deployment can keep it in its own key folder
//! ([`super::keys`]).
//!
//! Files as OpenSSL 3 and current tools write them are read: bags
//! protected with PBES2 (PBKDF2, AES-CBC). Files in the old RC2/3DES
//! protection are refused with a message saying how to convert them
//! (`openssl pkcs12 -legacy`). The key is checked against the first
//! certificate (the holder's), so a wrong or damaged file cannot slip in;
//! the file's MAC is not recomputed, the decryption and that check stand
//! for it.

use cms::content_info::ContentInfo;
use cms::encrypted_data::EncryptedData;
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Sequence};
use pkcs8::EncryptedPrivateKeyInfoRef;
use pkcs8::pkcs5::EncryptionScheme;
use x509_cert::Certificate;

use super::keys::key_from_pkcs8;
use super::{SoftwareKey, SoftwareSigner};
use crate::Error;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");

/// `PFX` (RFC 7292 §4).
#[derive(Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    mac_data: Option<Any>,
}

/// `SafeBag` (RFC 7292 §4.2).
#[derive(Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: Any,
    bag_attributes: Option<Any>,
}

/// `CertBag` (RFC 7292 §4.2.3).
#[derive(Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: OctetString,
}

fn malformed(what: &str) -> impl Fn(der::Error) -> Error + '_ {
    move |e| Error::Key(format!("PKCS#12 {what}: {e}"))
}

/// The bytes of an `id-data` content.
fn data_of(content: &ContentInfo) -> Result<Vec<u8>, Error> {
    let octets: OctetString = content.content.decode_as().map_err(malformed("data"))?;
    Ok(octets.into_bytes().into_vec())
}

/// The bags of one `SafeContents`, decrypted if they are protected.
fn bags_of(content: &ContentInfo, password: &[u8]) -> Result<Vec<SafeBag>, Error> {
    let der = if content.content_type == ID_DATA {
        data_of(content)?
    } else if content.content_type == ID_ENCRYPTED_DATA {
        let encrypted: EncryptedData = content.content.decode_as().map_err(malformed("encrypted data"))?;
        let info = encrypted.enc_content_info;
        let scheme = EncryptionScheme::try_from(info.content_enc_alg.to_der()?.as_slice()).map_err(|_| {
            Error::Key(
                "PKCS#12 protected in an old way (RC2/3DES); convert it: \
                 openssl pkcs12 -legacy -in old.p12 -out all.pem, then openssl pkcs12 -export"
                    .into(),
            )
        })?;
        let ciphertext = info
            .encrypted_content
            .ok_or_else(|| Error::Key("PKCS#12 encrypted data without content".into()))?;
        scheme
            .decrypt(password, ciphertext.as_bytes())
            .map_err(|_| Error::Key("the password does not open the PKCS#12 file".into()))?
    } else {
        return Ok(Vec::new());
    };
    Vec::<SafeBag>::from_der(&der).map_err(malformed("safe contents"))
}

/// The key and certificates of a PKCS#12 file, the holder's certificate
/// first, as a signer.
pub fn read(p12: &[u8], password: &str) -> Result<SoftwareSigner, Error> {
    let pfx = Pfx::from_der(p12).map_err(malformed("file"))?;
    if pfx.version != 3 {
        return Err(Error::Key(format!("PKCS#12 version {} is not 3", pfx.version)));
    }
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Error::Unsupported("PKCS#12 protected by public keys".into()));
    }
    let safes = Vec::<ContentInfo>::from_der(&data_of(&pfx.auth_safe)?).map_err(malformed("contents"))?;
    let mut key: Option<SoftwareKey> = None;
    let mut certificates: Vec<Certificate> = Vec::new();
    for safe in &safes {
        for bag in bags_of(safe, password.as_bytes())? {
            if bag.bag_id == SHROUDED_KEY_BAG {
                let der = bag.bag_value.to_der()?;
                let sealed = EncryptedPrivateKeyInfoRef::try_from(der.as_slice())
                    .map_err(|e| Error::Key(format!("PKCS#12 key: {e}")))?;
                let plain = sealed
                    .decrypt(password.as_bytes())
                    .map_err(|_| Error::Key("the password does not open the PKCS#12 key".into()))?;
                key = Some(key_from_pkcs8(plain.as_bytes())?);
            } else if bag.bag_id == KEY_BAG {
                key = Some(key_from_pkcs8(&bag.bag_value.to_der()?)?);
            } else if bag.bag_id == CERT_BAG {
                let cert: CertBag = bag.bag_value.decode_as().map_err(malformed("certificate"))?;
                if cert.cert_id == X509_CERTIFICATE {
                    certificates.push(Certificate::from_der(cert.cert_value.as_bytes())?);
                }
            }
        }
    }
    let key = key.ok_or_else(|| Error::Key("the PKCS#12 file holds no private key".into()))?;
    // The holder's certificate is the one whose key this is; the others
    // (the CA's) follow it.
    for i in 0..certificates.len() {
        let mut chain = certificates.clone();
        let own = chain.remove(i);
        chain.insert(0, own);
        if let Ok(signer) = SoftwareSigner::new(key.clone(), chain) {
            return Ok(signer);
        }
    }
    Err(Error::Key("no certificate in the PKCS#12 file is the key's".into()))
}
