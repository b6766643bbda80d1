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

impl Holder {
    /// From the command line's `--person` or `--office`.
    pub fn of(person: Option<String>, office: Option<String>) -> Result<Holder, CommandError> {
        match (person, office) {
            (Some(person), _) => Ok(Holder::Person(person)),
            (None, Some(office)) => Ok(Holder::Office(office)),
            (None, None) => Err(CommandError::Usage("--person or --office".into())),
        }
    }
}

/// The holder's kind, directory id and name, looked up in the directory.
async fn resolve(holder: &Holder, settings: &Settings) -> Result<(KeyOwner, String, String), CommandError> {
    let db = suite::open_database(settings, "directory", &directory::MIGRATIONS).await?;
    let mut tx = db.begin_read().await?;
    let resolved = match holder {
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
    Ok(resolved)
}

fn read(file: &Path) -> Result<Vec<u8>, CommandError> {
    std::fs::read(file).map_err(|source| CommandError::File {
        path: file.to_path_buf(),
        source,
    })
}

/// Reads a PKCS#12 file and keeps its key and certificates in the key
/// folder, encrypted with the deployment's passphrase, for the person or
/// office named: from then on the documents they issue carry its
/// signature.
pub async fn import(file: &Path, holder: Holder, password: &str, settings: &Settings) -> Result<(), CommandError> {
    let bytes = read(file)?;
    let signer = pkcs12::read(&bytes, password).map_err(|e| CommandError::Usage(format!("{}: {e}", file.display())))?;
    let subject = signer.chain().first().map(common_name).unwrap_or_default();
    let (owner, id, name) = resolve(&holder, settings).await?;
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

/// Keeps a PNG picture (transparent background) of a person's signature
/// or an office's seal beside its key: from then on the signatures show
/// it instead of the drawn mark.
pub async fn image(file: &Path, holder: Holder, settings: &Settings) -> Result<(), CommandError> {
    let bytes = read(file)?;
    let (owner, id, name) = resolve(&holder, settings).await?;
    let store = KeyStore::new(settings.document_keys_dir.clone(), None);
    let image = store
        .store_image(owner, &id, &bytes)
        .map_err(|e| CommandError::Usage(format!("{}: {e}", file.display())))?;
    let what = match owner {
        KeyOwner::Office => "con dấu",
        _ => "chữ ký",
    };
    println!(
        "Đã lưu hình {what} của {name} ({}×{} điểm ảnh{}) vào {}",
        image.width,
        image.height,
        if image.alpha.is_some() {
            ", nền trong suốt"
        } else {
            ""
        },
        settings.document_keys_dir.display()
    );
    Ok(())
}
