//! A small certificate authority for the demo and the tests, so signing
//! works out of the box: a root, and under it one certificate per office
//! (the issuing body's seal) and per person (the signer). A deployment
//! uses certificates of the national PKI instead and names its roots as
//! trust anchors; this CA is never trusted unless configured.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use p256::ecdsa::{DerSignature, SigningKey};
use p256::elliptic_curve::Generate;
use x509_cert::Certificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

use super::keys::{KeyOwner, KeyStore};
use super::{SoftwareKey, SoftwareSigner};
use crate::Error;

/// Who a certificate is issued to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// The CA itself.
    Authority,
    /// An office: its signature is the seal's.
    Office,
    /// A person who signs documents.
    Person,
}

/// The extensions each kind of certificate carries.
struct Profile {
    issuer: Name,
    subject: Name,
    holder: Holder,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut extensions: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        let aki = SubjectKeyIdentifier::try_from(issuer_spk)?;
        extensions.push(ski.to_extension(tbs.subject(), &extensions)?);
        extensions.push(
            AuthorityKeyIdentifier {
                key_identifier: Some(aki.0),
                ..Default::default()
            }
            .to_extension(tbs.subject(), &extensions)?,
        );
        let ca = self.holder == Holder::Authority;
        extensions.push(
            BasicConstraints {
                ca,
                path_len_constraint: None,
            }
            .to_extension(tbs.subject(), &extensions)?,
        );
        let usage = if ca {
            KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)
        } else {
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation)
        };
        extensions.push(usage.to_extension(tbs.subject(), &extensions)?);
        Ok(extensions)
    }
}

/// A distinguished name from its parts; commas and other special
/// characters in the parts are escaped.
pub fn name(common_name: &str, organization: &str) -> Result<Name, Error> {
    let escape = |s: &str| {
        s.chars()
            .flat_map(|c| {
                let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=');
                special.then_some('\\').into_iter().chain(std::iter::once(c))
            })
            .collect::<String>()
    };
    Ok(Name::from_str(&format!(
        "CN={},O={},C=VN",
        escape(common_name),
        escape(organization)
    ))?)
}

fn random_serial() -> Result<SerialNumber, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Key(e.to_string()))?;
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    Ok(SerialNumber::new(&bytes)?)
}

fn new_key() -> Result<SigningKey, Error> {
    SigningKey::try_generate().map_err(|e| Error::Key(e.to_string()))
}

/// Who a key is enrolled for: the key folder's owner kind and id, and the
/// names its certificate carries.
pub struct Enrolment<'a> {
    pub owner: KeyOwner,
    /// The directory's id of the person or office.
    pub id: &'a str,
    pub common_name: &'a str,
    pub organization: &'a str,
}

/// The demo's certificate authority: its key and self-signed root.
pub struct DemoCa {
    key: SigningKey,
    pub root: Certificate,
}

impl DemoCa {
    /// A new root named `common_name`, valid from `from` for `years`.
    pub fn new(common_name: &str, from: SystemTime, years: u64) -> Result<DemoCa, Error> {
        let key = new_key()?;
        let subject = name(common_name, "Vanphong demo")?;
        let profile = Profile {
            issuer: subject.clone(),
            subject,
            holder: Holder::Authority,
        };
        let root = build(profile, &key, &key, from, years)?;
        Ok(DemoCa { key, root })
    }

    /// Keeps the CA's key and root in `store` under `name`, so a later
    /// start issues from the same root.
    pub fn save(&self, store: &KeyStore, name: &str, rounds: u32) -> Result<(), Error> {
        store.store(
            KeyOwner::Authority,
            name,
            &SoftwareKey::EcdsaP256(self.key.clone()),
            std::slice::from_ref(&self.root),
            rounds,
        )
    }

    /// The CA kept in `store` under `name`, if there is one.
    pub fn open(store: &KeyStore, name: &str) -> Result<Option<DemoCa>, Error> {
        match store.key(KeyOwner::Authority, name)? {
            None => Ok(None),
            Some((SoftwareKey::EcdsaP256(key), chain)) => {
                let root = chain
                    .into_iter()
                    .next()
                    .ok_or_else(|| Error::Key("the CA's file holds no certificate".into()))?;
                Ok(Some(DemoCa { key, root }))
            }
            Some((SoftwareKey::Rsa(_), _)) => Err(Error::Key("the demo CA's key is not a P-256 key".into())),
        }
    }

    /// Issues a key for a holder and keeps it in `store`, encrypted in
    /// `rounds` of PBKDF2.
    pub fn enrol(&self, store: &KeyStore, holder: &Enrolment<'_>, from: SystemTime, rounds: u32) -> Result<(), Error> {
        let kind = match holder.owner {
            KeyOwner::Office => Holder::Office,
            KeyOwner::Person => Holder::Person,
            KeyOwner::Authority => Holder::Authority,
        };
        let (key, cert) = self.issue(holder.common_name, holder.organization, kind, from, 5)?;
        store.store(
            holder.owner,
            holder.id,
            &SoftwareKey::EcdsaP256(key),
            &[cert, self.root.clone()],
            rounds,
        )
    }

    /// A signer for `common_name` (a person's full name or an office's
    /// name) in `organization`, with a new key certified by this CA.
    pub fn issue(
        &self,
        common_name: &str,
        organization: &str,
        holder: Holder,
        from: SystemTime,
        years: u64,
    ) -> Result<(SigningKey, Certificate), Error> {
        let key = new_key()?;
        let profile = Profile {
            issuer: self.root.tbs_certificate().subject().clone(),
            subject: name(common_name, organization)?,
            holder,
        };
        let cert = build(profile, &key, &self.key, from, years)?;
        Ok((key, cert))
    }

    /// A ready signer for `common_name`, its chain ending at the root.
    pub fn signer(
        &self,
        common_name: &str,
        organization: &str,
        holder: Holder,
        from: SystemTime,
    ) -> Result<SoftwareSigner, Error> {
        let (key, cert) = self.issue(common_name, organization, holder, from, 5)?;
        SoftwareSigner::new(SoftwareKey::EcdsaP256(key), vec![cert, self.root.clone()])
    }
}

fn build(
    profile: Profile,
    subject_key: &SigningKey,
    issuer_key: &SigningKey,
    from: SystemTime,
    years: u64,
) -> Result<Certificate, Error> {
    let not_before = Time::try_from(from)?;
    let not_after = Time::try_from(from + Duration::from_secs(years * 365 * 24 * 3600))?;
    let spki = SubjectPublicKeyInfo::from_key(subject_key.verifying_key()).map_err(|e| Error::Key(e.to_string()))?;
    let builder = CertificateBuilder::new(profile, random_serial()?, Validity::new(not_before, not_after), spki)
        .map_err(|e| Error::Key(e.to_string()))?;
    builder
        .build::<_, DerSignature>(issuer_key)
        .map_err(|e| Error::Key(e.to_string()))
}
