//! Bounding what the C allocator keeps: called first thing by `vanphong`
//! and the benchmark, before any thread starts.
//!
//! glibc gives busy threads arenas of their own (up to 8 per core) and keeps
//! what is freed in them; it also raises its "large allocation" threshold
//! each time a large block is freed, so that after the first password hash
//! (a 19 MiB Argon2 buffer) every later one is carved from an arena and
//! stays resident. Two arenas, and a fixed threshold above which blocks are
//! mapped and unmapped on their own, keep an idle suite's memory to what it
//! uses (issue #16: 150 MiB after the demo).

/// Arenas shared by all threads.
const ARENAS: i32 = 2;

/// Blocks of this size and more are mapped apart and given back when freed.
const MMAP_THRESHOLD: i32 = 1024 * 1024;

/// Sets the allocator's bounds; elsewhere than glibc, nothing.
pub fn bound_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tunables; it is called
    // before the process starts any thread (glibc documents it as MT-Unsafe
    // only against concurrent allocator use during the call).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
