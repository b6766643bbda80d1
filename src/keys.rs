//! `vanphong keys`: the signing keys the documents service holds for the
//! deployment's people and offices (docs/domain.md §2.7).

use std::path::Path;

use vanphong_documents::api::signing_keys_passphrase;
use vanphong_gateway::directory::store as directory;
use vanphong_pdf::sign::keys::{KEY_ROUNDS, KeyOwner, KeyStore};
use vanphong_pdf::sign::{Signer as _, common_name, pkcs12};
use vanphong_platform::config::Settings;

use crate::error::CommandError;
use crate::suite;

/// Whose key a file is.
pub enum Holder {
    /// A person, by sign-in name.
    Person(String),
    /// An office, by its code.
    Office(String),
}

/// Reads a PKCS#12 file and keeps its key and certificates in the key
/// folder, encrypted with the deployment's passphrase, for the person or
/// office named: from then on the documents they issue carry its
/// signature.
pub async fn import(file: &Path, holder: Holder, password: &str, settings: &Settings) -> Result<(), CommandError> {
    let bytes = std::fs::read(file).map_err(|source| CommandError::File {
        path: file.to_path_buf(),
        source,
    })?;
    let signer = pkcs12::read(&bytes, password).map_err(|e| CommandError::Usage(format!("{}: {e}", file.display())))?;
    let subject = signer.chain().first().map(common_name).unwrap_or_default();
    let db = suite::open_database(settings, "directory", &directory::MIGRATIONS).await?;
    let mut tx = db.begin_read().await?;
    let (owner, id, name) = match &holder {
        Holder::Person(username) => {
            let found = directory::users::by_username(&mut tx, &username.to_lowercase()).await?;
            let (user, _) = found.ok_or_else(|| CommandError::Usage(format!("không có người dùng {username}")))?;
            (KeyOwner::Person, user.id.to_string(), user.full_name)
        }
        Holder::Office(code) => {
            let found = directory::offices::by_code(&mut tx, code).await?;
            let (id, name) = found.ok_or_else(|| CommandError::Usage(format!("không có đơn vị mã {code}")))?;
            (KeyOwner::Office, id, name)
        }
    };
    tx.commit().await?;
    db.close().await;
    let passphrase = signing_keys_passphrase(settings).ok_or_else(|| {
        CommandError::Usage(
            "no passphrase for the signing keys: set --document-keys-passphrase (VANPHONG_DOCUMENT_KEYS_PASSPHRASE)"
                .into(),
        )
    })?;
    let store = KeyStore::new(settings.document_keys_dir.clone(), Some(passphrase));
    let (key, chain) = signer.into_parts();
    store
        .store(owner, &id, &key, &chain, KEY_ROUNDS)
        .map_err(|e| CommandError::Usage(e.to_string()))?;
    println!(
        "Đã nhập khóa ký số của {name} (chứng thư “{subject}”, {} chứng thư trong chuỗi) vào {}",
        chain.len(),
        settings.document_keys_dir.display()
    );
    Ok(())
}
