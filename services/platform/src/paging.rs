//! Pages that always fit in one answer.
//!
//! A page holds up to the page size the caller asked for, but never more
//! bytes than a client accepts by default (gRPC clients refuse answers over
//! 4 MiB): records at their declared maximum sizes would otherwise make a
//! full page unreadable. A page cut short still carries a page token, so
//! the caller reads the rest on the next page. Likewise one record (a
//! document with its history, say) may not grow past what one answer
//! carries: the change that would make it so is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use prost::Message;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;

/// The most bytes of records one page carries, well under the 4 MiB a
/// default gRPC client accepts, leaving room for the rest of the answer.
pub const PAGE_BYTES: usize = 3 * 1024 * 1024;

/// Keeps the leading records of `page` that fit in [`PAGE_BYTES`] (always
/// at least one) and says whether any were dropped, in which case the page
/// token must point after the last record kept.
pub fn fit<T: Message>(page: &mut Vec<T>) -> bool {
    fit_within(page, PAGE_BYTES)
}

/// The most bytes one record may take on the wire: a change after which a
/// record (with the history it carries) would be larger is refused, so
/// every stored record stays readable through the API.
pub const RECORD_BYTES: usize = 3 * 1024 * 1024;

/// Refuses, before commit, a change that leaves `record` too large to be
/// read back. `what` names the record for people ("Văn bản", "Đơn").
pub fn ensure_fits<T: Message>(record: &T, what: &str) -> Result<(), Error> {
    if record.encoded_len() > RECORD_BYTES {
        return Err(Error::FailedPrecondition(format!(
            "{what} đã quá lớn để ghi thêm (mỗi hồ sơ đọc ra tối đa {} MiB, kể cả lịch sử xử lý); \
             hãy đưa nội dung dài vào tệp đính kèm",
            RECORD_BYTES >> 20
        )));
    }
    Ok(())
}

/// The page token that carries `cursor` (where the previous page ended),
/// as JSON in URL-safe base64: opaque to callers, safe in a query string.
pub fn page_token<C: Serialize>(cursor: &C) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

/// The cursor a [`page_token`] carries; `None` for a token that does not
/// hold one (tampered, or issued for something else). Callers still check
/// the cursor's values before they reach a query.
pub fn from_page_token<C: DeserializeOwned>(token: &str) -> Option<C> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token).ok()?).ok()
}

fn fit_within<T: Message>(page: &mut Vec<T>, budget: usize) -> bool {
    let mut total = 0_usize;
    let overflow = page.iter().position(|record| {
        // Each record costs its bytes plus its tag and length prefix.
        total = total.saturating_add(record.encoded_len() + 8);
        total > budget
    });
    match overflow {
        Some(at) => {
            page.truncate(at.max(1));
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sizes: &[usize]) -> Vec<String> {
        sizes.iter().map(|n| "x".repeat(*n)).collect()
    }

    #[test]
    fn a_page_within_the_budget_is_kept_whole() {
        let mut page = texts(&[10, 10, 10]);
        assert!(!fit_within(&mut page, 100));
        assert_eq!(page.len(), 3);
    }

    #[test]
    fn a_page_over_the_budget_keeps_what_fits() {
        let mut page = texts(&[40, 40, 40]);
        assert!(fit_within(&mut page, 100));
        assert_eq!(page.len(), 2);
    }

    #[test]
    fn one_record_is_always_kept_so_paging_moves_on() {
        let mut page = texts(&[500, 10]);
        assert!(fit_within(&mut page, 100));
        assert_eq!(page.len(), 1);
    }
}
