//! The process's memory allocators.
//!
//! Rust's allocations go to mimalloc ([`ALLOCATOR`]): each thread allocates
//! from pages of its own and frees without a lock, where glibc's allocator
//! shared two locked arenas among the runtime's threads and SQLite's
//! workers (a fifth of a document read's CPU went to malloc, free and their
//! consolidation; with mimalloc the bench reads ~1.7 times as many
//! documents a second). Freed memory goes back to the system after a short
//! delay, and a password hash's buffer (19 MiB, bigger than mimalloc's
//! pages) is mapped and unmapped on its own. Its arenas are committed
//! lazily (the build's `.cargo/config.toml` sets mimalloc's default): freed
//! memory in an eagerly committed arena stays in the process's RSS, which
//! held ~150 MiB after the demo instead of ~100 MiB.
//!
//! SQLite allocates from mimalloc too
//! (`vanphong_platform::db::use_mimalloc_for_sqlite`). The rest of the C
//! code in the process (the TLS library) still allocates from glibc, whose
//! tunables [`bound_allocator`] sets. It is called first thing by
//! `vanphong` and the benchmark, before any thread starts or anything
//! opens SQLite (the benchmark's floors open it apart from the suite).
//!
//! glibc gives busy threads arenas of their own (up to 8 per core) and keeps
//! what is freed in them, and raises its "large allocation" threshold each
//! time a large block is freed, so that large blocks stay resident. Two
//! arenas, and a fixed threshold above which blocks are mapped and unmapped
//! on their own, keep what SQLite's worker threads hold to what they use
//! (issue #16: 150 MiB after the demo).

/// The allocator of every Rust allocation in a program linking this crate
/// (the `vanphong` command, the benchmark, the suite's tests): one choice,
/// so what is tested and measured is what runs.
#[global_allocator]
pub static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Arenas shared by all threads.
const ARENAS: i32 = 2;

/// Blocks of this size and more are mapped apart and given back when freed.
const MMAP_THRESHOLD: i32 = 1024 * 1024;

/// Hands SQLite's allocations to mimalloc and sets glibc's bounds (on
/// glibc).
pub fn bound_allocator() {
    // Nothing has opened SQLite yet, so this is not refused; were it,
    // SQLite would keep the C library's allocator and work as well.
    let _ = vanphong_platform::db::use_mimalloc_for_sqlite();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tunables; it is called
    // before the process starts any thread (glibc documents it as MT-Unsafe
    // only against concurrent allocator use during the call).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

#[cfg(test)]
mod tests {
    use std::os::raw::{c_int, c_long};

    unsafe extern "C" {
        /// mimalloc's option reader, in the static library the allocator
        /// links.
        fn mi_option_get(option: c_int) -> c_long;
    }

    /// `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_e`.
    const ARENA_EAGER_COMMIT: c_int = 4;

    #[test]
    fn arenas_are_committed_lazily() {
        if std::env::var_os("MIMALLOC_ARENA_EAGER_COMMIT").is_some() {
            return; // the environment chose; the build's default is not in play
        }
        // SAFETY: reading an option has no precondition.
        let eager = unsafe { mi_option_get(ARENA_EAGER_COMMIT) };
        assert_eq!(
            eager, 0,
            "mimalloc was built without -DMI_DEFAULT_ARENA_EAGER_COMMIT=0 (.cargo/config.toml)"
        );
    }
}
