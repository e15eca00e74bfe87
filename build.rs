//! Links the `charter` program as a position-dependent executable on Linux.
//!
//! As a position-independent executable (Rust's default), the program's start-up applied about
//! 95,000 relocations: the dynamic loader wrote into 11 MB of tables (most of them minify-html's
//! HTML entity tree), one page fault per 4 KB page, about 7 ms before `main` on every run. That
//! is most of a build with nothing to do (10,000 pages: ~26 ms) and of `charter --version`
//! (9.5 ms, 2 ms without). Linked at a fixed address, the tables are used as they are in the
//! file and only the pages read are loaded. What it gives up is the randomized address of the
//! program's own code (its libraries' stay randomized), as Go programs such as Hugo do.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
