//! The allocator of every program built on this library (the `charter` command, its tests and
//! its benchmarks, so that a benchmark measures the allocator the command uses, and its floor
//! too), and the one setting Charter changes in it.
//!
//! A build makes millions of short-lived strings and maps across threads: at 10,000 pages
//! mimalloc took about 15% less CPU than the system allocator (interleaved runs of both
//! binaries). It is built without transparent huge pages, which would add a further 15%.
//!
//! mimalloc 3 keeps memory it freed for a second before it gives it back to the system. A
//! build's stages free what the next one no longer reads (the search index before the template
//! values are built, each page's front matter as its value is made), and a build takes about a
//! second: so none of it went back, and the peak was that of every stage's memory at once.
//! [`return_freed_memory_soon`] sets that delay to 10 ms, mimalloc 2's default: the peak of a
//! 10,000-page build falls from about 190 to about 160 MB, for a little more system time (the
//! returns; within the noise of user + system time in interleaved runs).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's `mi_option_purge_delay` (`mimalloc.h`; the Rust bindings name no constant
/// for it) and its default, in milliseconds. [`return_freed_memory_soon`] changes the option only
/// while it holds that default: a renumbered option is never set by mistake, and a
/// `MIMALLOC_PURGE_DELAY` from the environment is kept.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MIMALLOC_3_PURGE_DELAY_MS: std::ffi::c_long = 1000;

/// How long freed memory stays with the allocator before it goes back to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Has the allocator give freed memory back to the system after 10 ms instead of a second
/// (see the module's documentation). The command calls it first thing, and so does every build
/// (for programs that call the library); it does nothing after the first call. Called late, it
/// would do little: mimalloc never brings forward a return it has already scheduled.
pub fn return_freed_memory_soon() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: both functions only read or write mimalloc's table of options (an integer
        // index checked against its bounds); neither takes a pointer.
        unsafe {
            if libmimalloc_sys::mi_version() >= 300
                && libmimalloc_sys::mi_option_get(PURGE_DELAY) == MIMALLOC_3_PURGE_DELAY_MS
            {
                libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
            }
        }
    });
}

/// The allocator's current purge delay, in milliseconds (for the test below).
pub fn purge_delay_ms() -> std::ffi::c_long {
    // SAFETY: as above: reads one entry of mimalloc's table of options.
    unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails if a mimalloc upgrade renumbers the option or changes its default: the setting
    /// would then silently do nothing.
    #[test]
    fn freed_memory_goes_back_to_the_system_after_ten_milliseconds() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // the environment's setting stands, by design
        }
        return_freed_memory_soon();
        assert_eq!(purge_delay_ms(), 10);
    }
}
