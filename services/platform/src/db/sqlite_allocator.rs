//! SQLite's allocations handed to mimalloc.
//!
//! SQLite allocates from the C library unless told otherwise: with glibc,
//! from two arenas shared by every thread, each call behind the arena's lock
//! and, with SQLite's memory statistics on (its default), behind a second,
//! global lock. Every value of every row sqlx reads is copied by SQLite, so
//! a register-book export of a few thousand rows spent a fifth of its CPU
//! in those locks, `malloc`, `free` and glibc's consolidation. Through
//! `SQLITE_CONFIG_MALLOC` SQLite calls mimalloc instead (per-thread pages,
//! no lock), and its memory statistics, which nothing reads, are off.

use std::os::raw::{c_int, c_void};
use std::sync::OnceLock;

use libmimalloc_sys as mi;
use libsqlite3_sys as ffi;

/// A request's size as mimalloc takes it (SQLite never asks for less
/// than nothing).
fn size_of_request(size: c_int) -> usize {
    usize::try_from(size).unwrap_or(0)
}

unsafe extern "C" fn allocate(size: c_int) -> *mut c_void {
    // SAFETY: mimalloc's malloc takes any size.
    unsafe { mi::mi_malloc(size_of_request(size)) }
}

unsafe extern "C" fn free(block: *mut c_void) {
    // SAFETY: SQLite frees only what `allocate` or `reallocate` returned.
    unsafe { mi::mi_free(block) }
}

unsafe extern "C" fn reallocate(block: *mut c_void, size: c_int) -> *mut c_void {
    // SAFETY: as `free`; mimalloc's realloc keeps the contents.
    unsafe { mi::mi_realloc(block, size_of_request(size)) }
}

unsafe extern "C" fn size(block: *mut c_void) -> c_int {
    // SAFETY: as `free`: a block of mimalloc's, whose usable size it knows.
    let usable = unsafe { mi::mi_usable_size(block) };
    c_int::try_from(usable).unwrap_or(c_int::MAX)
}

/// What SQLite's own allocator rounds a request up to: a multiple of 8.
unsafe extern "C" fn round_up(size: c_int) -> c_int {
    size.saturating_add(7) & !7
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

/// Hands SQLite's allocations to mimalloc, once per process, before the
/// first connection opens: programs call it first thing
/// (`vanphong::memory::bound_allocator`), and [`super::Db::connect`] calls
/// it too, so a test harness opening databases gets it as well. SQLite may
/// not be configured while another thread uses it: every connection of
/// ours opens through here, waiting for this to finish. `false` when SQLite
/// was already in use (opened by other code), which then keeps the C
/// library's allocator and works as well, only slower.
pub fn use_mimalloc() -> bool {
    static CONFIGURED: OnceLock<bool> = OnceLock::new();
    *CONFIGURED.get_or_init(configure)
}

fn configure() -> bool {
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(allocate),
        xFree: Some(free),
        xRealloc: Some(reallocate),
        xSize: Some(size),
        xRoundup: Some(round_up),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: sqlite3_config before SQLite's initialisation is what its
    // documentation asks; it copies `methods` before returning, and after
    // initialisation it refuses (SQLITE_MISUSE) without changing anything.
    unsafe {
        if ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &raw const methods) != ffi::SQLITE_OK {
            return false;
        }
        ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int) == ffi::SQLITE_OK
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;

    #[tokio::test]
    async fn sqlite_runs_on_mimalloc() {
        // Other tests of this binary may have opened SQLite first, not
        // through `Db::connect`; then there is nothing to check here.
        if !use_mimalloc() {
            return;
        }
        let mut db = sqlx::SqliteConnection::connect("sqlite::memory:").await.expect("open");
        let text: String = sqlx::query_scalar("SELECT group_concat(value, ',') FROM json_each('[1,2,3]')")
            .fetch_one(&mut db)
            .await
            .expect("query");
        assert_eq!(text, "1,2,3");
        // A block SQLite allocates is mimalloc's (this test binary's own
        // allocator is the C library's).
        // SAFETY: a block from sqlite3_malloc, checked and given back.
        unsafe {
            let block = ffi::sqlite3_malloc(100);
            assert!(!block.is_null());
            assert!(mi::mi_is_in_heap_region(block), "SQLite allocated outside mimalloc");
            ffi::sqlite3_free(block);
        }
    }
}
