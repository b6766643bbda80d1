//! Who signs for a person or an office (docs/domain.md §2.7): the key the
//! deployment holds for them, or, when their key folder entry says so
//! (`<kind>-<id>.remote`), the national PKI's remote signing service
//! configured in the settings. Both are the same [`Signer`] to issuing.

use std::sync::Arc;

use vanphong_pdf::sign::Signer;
use vanphong_pdf::sign::keys::KeyOwner;
use vanphong_pdf::sign::remote::RemoteService;
use vanphong_platform::Error;
use vanphong_platform::config::Settings;

use super::Shared;

/// The remote signing service the settings name, if any.
pub(crate) fn remote_service(settings: &Settings) -> Result<Option<RemoteService>, Error> {
    let Some(url) = &settings.signing_service_url else {
        return Ok(None);
    };
    let token = settings.signing_service_token.as_ref().map(|t| t.expose().to_string());
    RemoteService::new(url, token, settings.signing_service_timeout)
        .map(Some)
        .map_err(|e| Error::Unavailable(format!("Dịch vụ ký số từ xa: {e}")))
}

/// The holder's signer, `None` when neither a key nor a remote key is
/// configured for them.
pub(crate) async fn signer(shared: &Shared, owner: KeyOwner, id: &str) -> Result<Option<Arc<dyn Signer>>, Error> {
    let key_error = |e: vanphong_pdf::Error| Error::FailedPrecondition(format!("Không mở được khóa ký số: {e}"));
    let keys = shared.keys.clone();
    let holder = id.to_string();
    let (remote_key, software) = tokio::task::spawn_blocking(move || match keys.remote_key(owner, &holder) {
        Ok(Some(key)) => (Ok(Some(key)), Ok(None)),
        Ok(None) => (Ok(None), keys.signer(owner, &holder)),
        Err(e) => (Err(e), Ok(None)),
    })
    .await
    .map_err(|e| Error::Unavailable(format!("Không mở được khóa ký số: {e}")))?;
    if let Some(key_id) = remote_key.map_err(key_error)? {
        let service = shared.remote.as_ref().ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "Khóa ký số {key_id} ở dịch vụ ký số từ xa, nhưng chưa cấu hình dịch vụ (--signing-service-url)"
            ))
        })?;
        let signer = service
            .signer(&key_id)
            .await
            .map_err(|e| Error::Unavailable(format!("Dịch vụ ký số từ xa: {e}")))?;
        return Ok(Some(Arc::new(signer)));
    }
    Ok(software.map_err(key_error)?.map(|s| s as Arc<dyn Signer>))
}
