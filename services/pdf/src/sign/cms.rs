//! The CMS SignedData a PAdES signature carries (ETSI EN 319 142-1,
//! baseline B-B): detached, over the SHA-256 of the signed byte ranges,
//! with the content type, the message digest and the signing certificate
//! (ESS signing-certificate-v2) as signed attributes, and the signer's
//! certificate chain. The signing time is the signature dictionary's
//! `/M`, as B-B asks.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use x509_cert::attr::{Attribute, AttributeValue};
use x509_cert::spki::AlgorithmIdentifierOwned;

use chrono::{DateTime, FixedOffset};

use super::{Algorithm, Signer};

use crate::Error;
pub use cms::cert::CertificateChoices as CertificateChoice;
pub use cms::signed_data::SignerIdentifier as SignerId;

pub const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub const ATTR_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub const ATTR_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub const ATTR_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
pub const ATTR_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// ESSCertIDv2 with the default hash (SHA-256) and no issuer serial.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 without policies.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn algorithm(oid: ObjectIdentifier, null_parameters: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: null_parameters.then(Any::null),
    }
}

fn attribute(oid: ObjectIdentifier, value: AttributeValue) -> Result<Attribute, Error> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// Signs the digest of the document's signed byte ranges and returns the
/// DER of the CMS ContentInfo to place in `/Contents`.
pub async fn sign_digest(digest: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, Error> {
    sign_with(digest, signer, None).await
}

/// A detached signature of a whole file (a `.p7s` beside it): as a PDF's,
/// with the signing time as a signed attribute since there is no
/// signature dictionary to hold it.
pub async fn sign_detached(content: &[u8], signer: &dyn Signer, time: DateTime<FixedOffset>) -> Result<Vec<u8>, Error> {
    sign_with(&Sha256::digest(content), signer, Some(time)).await
}

/// The signing-time attribute, in Vietnam's time zone.
pub fn signing_time(info: &cms::signed_data::SignerInfo) -> Option<DateTime<FixedOffset>> {
    let value = attribute_value(info, ATTR_SIGNING_TIME)?;
    let time = value.decode_as::<x509_cert::time::Time>().ok()?;
    let seconds = i64::try_from(time.to_unix_duration().as_secs()).ok()?;
    let zone = FixedOffset::east_opt(7 * 3600)?;
    Some(DateTime::from_timestamp(seconds, 0)?.with_timezone(&zone))
}

async fn sign_with(digest: &[u8], signer: &dyn Signer, time: Option<DateTime<FixedOffset>>) -> Result<Vec<u8>, Error> {
    let chain = signer.chain();
    let cert = chain.first().ok_or_else(|| Error::Key("no certificate".into()))?;
    let cert_hash = Sha256::digest(cert.to_der()?);
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(cert_hash.to_vec())?,
        }],
    };
    let mut attributes = vec![
        attribute(ATTR_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
        attribute(
            ATTR_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec())?)?,
        )?,
        attribute(ATTR_SIGNING_CERTIFICATE_V2, Any::encode_from(&signing_certificate)?)?,
    ];
    if let Some(time) = time {
        let seconds = u64::try_from(time.timestamp()).map_err(|_| Error::Key("a signing time before 1970".into()))?;
        let time = x509_cert::time::Time::try_from(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))?;
        attributes.push(attribute(ATTR_SIGNING_TIME, Any::encode_from(&time)?)?);
    }
    let signed_attrs = SetOfVec::try_from(attributes)?;
    // The signature covers the attributes encoded as a SET OF.
    let to_sign = signed_attrs.to_der()?;
    let signature = signer.sign(&to_sign).await?;

    let signature_algorithm = match signer.algorithm() {
        Algorithm::EcdsaP256Sha256 => algorithm(ECDSA_WITH_SHA256, false),
        Algorithm::RsaSha256 => algorithm(SHA256_WITH_RSA, true),
    };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate().issuer().clone(),
            serial_number: cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: algorithm(ID_SHA256, false),
        signed_attrs: Some(signed_attrs),
        signature_algorithm,
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let certificates = CertificateSet::try_from(
        chain
            .iter()
            .cloned()
            .map(CertificateChoices::Certificate)
            .collect::<Vec<_>>(),
    )?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm(ID_SHA256, false)])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(certificates),
        crls: None,
        signer_infos: SignerInfos::try_from(vec![signer_info])?,
    };
    let content_info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    };
    Ok(content_info.to_der()?)
}

/// The SignedData of a `/Contents` value (trailing zero padding allowed).
pub fn signed_data(contents: &[u8]) -> Result<SignedData, Error> {
    let mut reader = der::SliceReader::new(contents)?;
    let info: ContentInfo = der::Decode::decode(&mut reader)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(Error::Malformed("the signature is not CMS SignedData".into()));
    }
    Ok(info.content.decode_as::<SignedData>()?)
}

/// The value of a signed attribute, if present once.
pub fn attribute_value(info: &SignerInfo, oid: ObjectIdentifier) -> Option<&AttributeValue> {
    info.signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)
        .and_then(|a| a.values.iter().next())
}

/// The certificate hash named by signing-certificate-v2, if any.
pub fn signing_certificate_hash(info: &SignerInfo) -> Option<Vec<u8>> {
    let value = attribute_value(info, ATTR_SIGNING_CERTIFICATE_V2)?;
    let parsed = SigningCertificateV2::from_der(&value.to_der().ok()?).ok()?;
    parsed.certs.first().map(|c| c.cert_hash.as_bytes().to_vec())
}
