//! Writes the benchmark corpus (see `tests/corpus/mod.rs`):
//! `cargo run --release --example gen_corpus -- --pages N --out DIR [--flavor charter|zola|hugo] [--seed S]`.

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;

fn main() {
    let mut pages: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut flavor = corpus::Flavor::Charter;
    let mut seed = 7u64;
    let mut args = std::env::args().skip(1);
    let usage = "usage: gen_corpus --pages N --out DIR [--flavor charter|zola|hugo] [--seed S]";
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--pages", Some(v)) => pages = v.parse().ok(),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--flavor", Some(v)) => match corpus::Flavor::parse(&v) {
                Some(f) => flavor = f,
                None => {
                    eprintln!("unknown flavor {v:?}\n{usage}");
                    std::process::exit(2);
                }
            },
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        }
    }
    let (Some(pages), Some(out)) = (pages, out) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    if let Err(e) = corpus::generate(&out, pages, flavor, seed) {
        eprintln!("could not write the corpus into {}: {e}", out.display());
        std::process::exit(1);
    }
}
